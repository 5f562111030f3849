"""Double opt-in end to end: a signup-form email grant waits (pending) while campaigns mails a confirmation link
through the real SMTP sink; the click on it (POST /c/<token>) comes back to customers as the grant, with the
click's IP and user agent, and the flag turns on everywhere (docs/data-rights.md, Consent with proof)."""
import re
import uuid

import pytest
from bson import json_util

from services.customers.settings import ConsentSettings, CustomersSettings
from tests.campaigns.conftest import (  # noqa: F401  (fixtures: a campaigns app that really sends, and its sinks)
    campaigns_app,
    campaigns_settings,
    segments,
    segments_transport,
    sinks,
)
from tests.conftest import eventually
from tests.customers.factories import customer_body

SIGNUP = {"source": "signup_form", "wording": "Email me the Joantees newsletter", "form": "footer",
          "ip": "203.0.113.20", "userAgent": "Mozilla/5.0 (signup)"}
LINK = re.compile(r"http://campaigns(/c/[A-Za-z0-9_.\-]+)")


@pytest.fixture
def customers_settings(service_env, isolation):
    return CustomersSettings(mongo_database=f"customers_{isolation}", consent=ConsentSettings(double_opt_in=True),
                             **service_env)


async def _ledger(api, customer_id: str) -> list[dict]:
    return (await api.get(f"/customers/{customer_id}/consents")).json()["items"]


async def test_signup_waits_for_the_confirmation_link_then_grants(api, campaigns_api, campaigns_app, sinks):
    body = customer_body(communication={"email": True, "sms": False, "push": False}, consent=SIGNUP)
    created = (await api.post("/customers", json=body)).json()
    assert created["communication"]["email"] is False  # nothing granted before the click
    [pending] = await _ledger(api, created["id"])
    assert (pending["status"], pending["source"], pending["ip"]) == ("pending", "signup_form", "203.0.113.20")

    async def mailed() -> bool:
        return len(sinks.mails_to(body["email"])) == 1
    await eventually(mailed, what="the confirmation mail")
    [mail] = sinks.mails_to(body["email"])
    assert mail["subject"] == "Please confirm your subscription"
    assert "Email me the Joantees newsletter" in mail["text"]
    assert "List-Unsubscribe" not in mail["headers"]  # transactional: no tracking, nothing to unsubscribe from
    path = LINK.search(mail["text"]).group(1)

    # Opening the link only asks (a mail scanner's visit is no consent).
    page = await campaigns_api.get(path)
    assert page.status_code == 200 and "<form method=\"post\">" in page.text
    assert [r["status"] for r in await _ledger(api, created["id"])] == ["pending"]

    confirmed = await campaigns_api.post(path, headers={"user-agent": "Mail/16.0 (click)"})
    assert confirmed.status_code == 200

    async def granted() -> bool:
        return (await api.get(f"/customers/{created['id']}")).json()["communication"]["email"] is True
    await eventually(granted, what="customers records the confirmed consent")
    grant, first = await _ledger(api, created["id"])
    assert (grant["status"], grant["source"], grant["confirms"]) == ("granted", "double_opt_in", pending["id"])
    assert (grant["wording"], grant["form"]) == ("Email me the Joantees newsletter", "footer")
    assert grant["ip"] == "127.0.0.1" and grant["userAgent"] == "Mail/16.0 (click)"  # the click's, as proof
    assert first["id"] == pending["id"]

    # Campaigns' read model follows the derived flag (customer.updated emailOptIn).
    async def recipient_opted_in() -> bool:
        recipient = await campaigns_app.state.deps.recipients.get(created["id"])
        return bool(recipient and recipient.get("emailOptIn"))
    await eventually(recipient_opted_in, what="campaigns' recipient read model opts in")

    # A second click confirms nothing more; a forged link resolves to nothing.
    assert (await campaigns_api.post(path)).status_code == 200
    assert (await campaigns_api.post("/c/forged.token")).status_code == 404
    assert (await campaigns_api.get(path[:-2] + "xx")).status_code == 404
    assert [r["source"] for r in await _ledger(api, created["id"])] == ["double_opt_in", "signup_form"]


async def test_other_sources_are_not_held_for_confirmation(api, campaigns_app, sinks):
    body = customer_body(communication={"email": True, "sms": True, "push": False})  # staff's word: admin
    created = (await api.post("/customers", json=body)).json()
    assert created["communication"] == {"email": True, "sms": True, "push": False}
    assert {r["status"] for r in await _ledger(api, created["id"])} == {"granted"}

    # A signup-form SMS grant is not an email: granted at once as well.
    other = customer_body(communication={"email": False, "sms": True, "push": False}, consent=SIGNUP)
    made = (await api.post("/customers", json=other)).json()
    assert made["communication"]["sms"] is True
    assert sinks.mails_to(body["email"]) == [] and sinks.mails_to(other["email"]) == []


async def test_after_erasure_no_consent_record_or_confirmation_holds_the_address(api, campaigns_api, campaigns_app,
                                                                                 customers_app, sinks):
    body = customer_body(email=f"Doi.Erase.{uuid.uuid4().hex[:8]}@Example.org",
                         communication={"email": True, "sms": False, "push": False}, consent=SIGNUP)
    created = (await api.post("/customers", json=body)).json()
    body["email"] = created["email"]  # as stored (the domain lower-cased)

    async def mailed() -> bool:
        return len(sinks.mails_to(body["email"])) == 1
    await eventually(mailed, what="the confirmation mail")
    path = LINK.search(sinks.mails_to(body["email"])[0]["text"]).group(1)
    assert (await campaigns_api.post(path)).status_code == 200

    async def granted() -> bool:
        return (await api.get(f"/customers/{created['id']}")).json()["communication"]["email"] is True
    await eventually(granted, what="the confirmed consent")

    assert (await api.post(f"/customers/{created['id']}/erasure", json={"reason": "request"})).status_code == 200

    async def nothing_left() -> bool:
        if await customers_app.state.deps.runtime.outbox.backlog() or \
                await campaigns_app.state.deps.runtime.outbox.backlog():
            return False
        recipient = await campaigns_app.state.deps.recipients.collection.find_one({"_id": created["id"]})
        if not (recipient and recipient.get("erased")):
            return False
        for db in (customers_app.state.deps.runtime.db, campaigns_app.state.deps.runtime.db):
            for name in await db.list_collection_names():
                async for doc in db[name].find({}):
                    if body["email"].lower() in json_util.dumps(doc).lower():
                        return False
        return True
    await eventually(nothing_left, what="no database holds the address", timeout=30)
    ledger = await _ledger(api, created["id"])
    assert [r["source"] for r in ledger] == ["double_opt_in", "signup_form"]  # the proof stays, without IP/UA
    assert all(r["ip"] is None and r["userAgent"] is None for r in ledger)
    # The confirmation link stops resolving: its record went with the erasure.
    assert (await campaigns_api.get(path)).status_code == 404
    assert await campaigns_app.state.deps.confirmations.collection.count_documents(
        {"customerId": created["id"]}) == 0
