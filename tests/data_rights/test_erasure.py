"""eraseCustomer against the real stack: after an erasure no collection of any service's database holds the email
or the phone, every figure reads the same, links stop resolving, the address is suppressed, erasing again is a
no-op, and a service that was down erases when it comes back (docs/data-rights.md, Erasure that keeps the books)."""
import re
import uuid

from bson import json_util

from gateway.auth.roles import Role
from tests.campaigns.conftest import (  # noqa: F401  (fixtures: a campaigns app that really sends, and its sinks)
    campaigns_app,
    campaigns_settings,
    delete_work_queue,
    email_campaign,
    segments,
    segments_transport,
    sinks,
    wait_status,
)
from tests.campaigns.test_customer_rules import skipped_reasons
from tests.conftest import CountingTransport, eventually, running
from tests.customers.factories import customer_body, order_body
from tests.support.http import service_client

ERASE = """mutation($id: ID!, $reason: String!) { eraseCustomer(customerId: $id, reason: $reason) {
  customerId erasedAt reason alreadyErased auditRecordsRedacted } }"""
CREATE = """mutation($input: CustomerCreateInput!) { createCustomer(input: $input) { id } }"""
UPDATE = """mutation($id: ID!, $input: CustomerUpdateInput!) { updateCustomer(id: $id, input: $input) { id } }"""
OPTED_IN = {"communication": {"email": True, "sms": True, "push": False}, "consent": {"source": "signup_form"}}


def _local(url: str) -> str:
    return url.removeprefix("http://campaigns")


def _person() -> tuple[str, str]:
    """A distinctive email (mixed case: the scan must find it in any case) and phone."""
    return f"Erin.Erasure.{uuid.uuid4().hex[:8]}@Example.org", f"+1415555{uuid.uuid4().int % 10_000:04d}"


async def _create(api, email: str, phone: str, **overrides) -> dict:
    answer = await api.post("/customers", json=customer_body(firstName="Erinna", lastName="Vantablack", email=email,
                                                             phone=phone, **{**OPTED_IN, **overrides}))
    assert answer.status_code == 201, answer.text
    return answer.json()


async def _scan(databases, email: str, phone: str) -> list[str]:
    """Every document of every collection of these databases, as text, holding the email (any case) or the
    phone (E.164 or its national digits): where each was found."""
    national = re.sub(r"\D", "", phone)[1:]
    found = []
    for db in databases:
        for name in await db.list_collection_names():
            async for doc in db[name].find({}):
                text = json_util.dumps(doc).lower()
                if email.lower() in text or phone in text or national in text:
                    found.append(f"{db.name}.{name}: {text[:300]}")
    return found


async def _history(graphql, api, loyalty_api, campaigns_api, campaigns_app, sinks, email: str, phone: str) -> dict:
    """The person with orders, points, a redemption, a segment, a sent email they opened and clicked, timeline
    entries and an audit trail through the gateway (one record holding their email in a free-text note)."""
    customer = await _create(api, email, phone)
    cid = customer["id"]
    for order_id in ("er-1", "er-2"):
        assert (await api.post(f"/customers/{cid}/orders", json={"id": order_id, **order_body()})).status_code == 201
    noted = await graphql(UPDATE, id=cid, input={"notes": f"Call {email} or {phone} before delivery"})
    assert "errors" not in noted, noted
    refused = await graphql(CREATE, input={"firstName": "Erinna", "lastName": "Again", "email": email})
    assert refused["errors"][0]["extensions"]["code"] == "CONFLICT"  # audited with the email as its input
    added = await graphql('mutation($id: ID!) { addLoyaltyPoints(customerId: $id, points: 500, reason: "welcome") '
                          '{ points } }', id=cid)
    assert "errors" not in added, added
    assert (await api.post(f"/customers/{cid}/activity", json={
        "kind": "support_contact", "description": f"Erinna asked to write to {email}"})).status_code in (201, 204)

    async def earned() -> bool:
        ledger = (await loyalty_api.get(f"/customers/{cid}/loyalty/ledger")).json()
        return {e["kind"] for e in ledger["items"]} >= {"earn", "adjust"}
    await eventually(earned, what="points earned from the orders")
    redeemed = await graphql('mutation($id: ID!) { redeemLoyaltyReward(customerId: $id, '
                             'rewardId: "default-free-shipping") { code } }', id=cid)
    assert "errors" not in redeemed, redeemed

    segment = await api.post("/customer-segments", json={"name": "Erasure buyers", "slug": "erasure_buyers",
                                                         "query": "total_orders >= 2"})
    assert segment.status_code == 201, segment.text

    async def in_segment() -> bool:
        members = (await api.get("/customer-segments/erasure_buyers/customers")).json()
        return [m["id"] for m in members.get("items", [])] == [cid]
    await eventually(in_segment, what="the customer in the segment")

    async def known() -> bool:
        return await campaigns_app.state.deps.recipients.get(cid) is not None
    await eventually(known, what="campaigns' recipient read model")
    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(targetCustomers=[cid]))).json()
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "sent")
    [mail] = sinks.mails_to(customer["email"])
    links = {"pixel": re.search(r'<img src="([^"]+)"', mail["html"]).group(1),
             "click": re.search(r'href="(http://campaigns/t/c/[^"]+)"', mail["html"]).group(1),
             "unsubscribe": re.search(r"(http://campaigns/u/[^\s<>\"]+)", mail["text"]).group(1)}
    assert (await campaigns_api.get(_local(links["pixel"]))).status_code == 200
    assert (await campaigns_api.get(_local(links["click"]))).status_code == 302

    async def settled() -> bool:
        items = (await api.get(f"/customers/{cid}/activity", params={"limit": 100})).json()["items"]
        return {"campaign.sent", "campaign.opened", "campaign.clicked"} <= {i["type"] for i in items}
    await eventually(settled, what="campaign events on the timeline")
    return {"id": cid, "campaign": campaign["id"], "links": links}


async def _figures(api, loyalty_api, campaigns_api, campaign_id: str) -> dict:
    stats = (await api.get("/customers/stats")).json()
    return {"loyalty": (await loyalty_api.get("/loyalty-programs/default/analytics")).json(),
            "campaign": (await campaigns_api.get(f"/campaigns/{campaign_id}/metrics")).json(),
            "customers": stats}


async def test_after_erasure_no_database_holds_the_email_or_phone_and_figures_are_unchanged(
        graphql, api, loyalty_api, loyalty_app, campaigns_api, campaigns_app, sinks, customers_app, gateway_http,
        gateway_settings):
    email, phone = _person()
    person = await _history(graphql, api, loyalty_api, campaigns_api, campaigns_app, sinks, email, phone)
    cid = person["id"]
    before = await _figures(api, loyalty_api, campaigns_api, person["campaign"])
    orders_db = customers_app.state.deps.orders.collection
    timeline_db = customers_app.state.deps.activity.collection
    kept = (await orders_db.count_documents({"customerId": cid}),
            await timeline_db.count_documents({"customerId": cid}))

    erased = await graphql(ERASE, id=cid, reason="Art. 17 request #4711")
    assert "errors" not in erased, erased
    done = erased["data"]["eraseCustomer"]
    assert (done["customerId"], done["alreadyErased"], done["reason"]) == (cid, False, "Art. 17 request #4711")
    assert done["auditRecordsRedacted"] == 2  # the refused create and the update with the note (the rest: no text)

    async def everywhere() -> bool:
        recipient = await campaigns_app.state.deps.recipients.collection.find_one({"_id": cid})
        member = await loyalty_app.state.deps.members.get(cid)
        pending = await customers_app.state.deps.runtime.outbox.backlog()
        return bool(recipient and recipient.get("erased") and member and member.deleted and pending == 0)
    await eventually(everywhere, what="customer.erased handled by loyalty and campaigns")

    mongo = customers_app.state.deps.runtime.mongo
    databases = [mongo[name] for name in (customers_app.state.deps.settings.mongo_database,
                                          loyalty_app.state.deps.settings.mongo_database,
                                          campaigns_app.state.deps.settings.mongo_database,
                                          gateway_settings.mongo_database)]
    for db in databases:  # the scan reads real, filled databases
        assert await db.list_collection_names(), db.name
    assert await _scan(databases, email, phone) == []

    after = await _figures(api, loyalty_api, campaigns_api, person["campaign"])
    assert after["loyalty"] == before["loyalty"]
    assert after["campaign"] == before["campaign"]
    # The erased profile stays counted (its orders are revenue); it is no longer an active customer.
    assert after["customers"] == {**before["customers"], "activeCustomers": before["customers"]["activeCustomers"] - 1}
    assert (await orders_db.count_documents({"customerId": cid}),
            await timeline_db.count_documents({"customerId": cid})) == (kept[0], kept[1] + 1)  # + "erased"
    members = (await api.get("/customer-segments/erasure_buyers/customers")).json()["items"]
    assert members == []

    for name in ("click", "unsubscribe"):
        assert (await campaigns_api.get(_local(person["links"][name]))).status_code == 404, name
    # The open pixel answers its image to any token (a mail client shows no broken image) and records nothing.
    assert (await campaigns_api.get(_local(person["links"]["pixel"]))).status_code == 200
    assert (await campaigns_api.get(f"/campaigns/{person['campaign']}/metrics")).json() == before["campaign"]
    gone = await api.get(f"/customers/{cid}")
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "GONE"
    in_graph = await graphql("query($id: ID!) { customer(id: $id) { id } }", id=cid)
    assert in_graph["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await api.get("/customers", params={"q": email.lower()})).json()["items"] == []

    again = await graphql(CREATE, input={"firstName": "Erinna", "lastName": "Back", "email": email.upper()})
    assert again["errors"][0]["extensions"] == {"code": "SUPPRESSED", "field": "email"}
    by_phone = await api.post("/customers", json=customer_body(email=f"other.{uuid.uuid4().hex[:6]}@example.com",
                                                               phone=phone))
    assert by_phone.status_code == 409 and by_phone.json()["error"]["field"] == "phone"

    audit = await graphql("""{ auditLog(first: 5, filter: {operation: "eraseCustomer"}) { edges { node {
      outcome targetIds input actor { subject role } } } } }""")
    [record] = [e["node"] for e in audit["data"]["auditLog"]["edges"]]
    assert (record["outcome"], record["targetIds"], record["actor"]["role"]) == ("ok", [cid], "admin")
    assert record["input"]["reason"] == "Art. 17 request #4711"  # who erased whom, when and why stays
    late = await api.post(f"/customers/{cid}/activity", json={"kind": "other", "description": f"for {email}"})
    assert late.status_code == 410  # no new personal text under the pseudonym
    assert (await api.put(f"/customers/{cid}", json={"email": email})).status_code == 410

    repeat = await graphql(ERASE, id=cid, reason="asked twice")
    assert repeat["data"]["eraseCustomer"]["alreadyErased"] is True
    assert repeat["data"]["eraseCustomer"]["erasedAt"] == done["erasedAt"]
    assert repeat["data"]["eraseCustomer"]["reason"] == "Art. 17 request #4711"
    assert await _scan(databases, email, phone) == []  # the refused attempts left no copy (audit: redacted)


async def test_bad_erasure_input_is_refused_with_its_field(graphql, graphql_as, api):
    unknown = await graphql(ERASE, id="nobody-at-all", reason="request")
    assert unknown["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "customerId"}
    customer = (await api.post("/customers", json=customer_body())).json()
    for reason in ("", "   ", "x" * 501):
        refused = await graphql(ERASE, id=customer["id"], reason=reason)
        assert refused["errors"][0]["extensions"]["code"] == "VALIDATION", reason
        assert refused["errors"][0]["extensions"]["field"] == "reason"
    missing = await api.post(f"/customers/{customer['id']}/erasure", json={})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "reason"
    unknown_rest = await api.post("/customers/nobody-at-all/erasure", json={"reason": "request"})
    assert unknown_rest.status_code == 404 and unknown_rest.json()["error"]["field"] == "customerId"
    forbidden = await graphql_as(Role.support)(ERASE, id=customer["id"], reason="request")
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await api.get(f"/customers/{customer['id']}")).status_code == 200  # nothing happened


async def test_a_service_down_during_the_erasure_erases_when_it_comes_back(
        api, customers_app, loyalty_settings, campaigns_settings, segments_transport, amqp_url):
    """customer.erased waits in the durable queues of loyalty and campaigns while they are stopped."""
    from services.campaigns.app import create_app as campaigns_service
    from services.loyalty.app import create_app as loyalty_service

    def both():
        return (running(loyalty_service(loyalty_settings, customers_transport=CountingTransport(customers_app))),
                running(campaigns_service(campaigns_settings, customers_transport=segments_transport)))

    email, phone = _person()
    try:
        loyalty_up, campaigns_up = both()
        async with loyalty_up as loyalty, campaigns_up as campaigns:  # up once: queues declared, customer known
            cid = (await _create(api, email, phone))["id"]
            async with service_client(loyalty, "http://loyalty") as loyalty_api:
                added = await loyalty_api.post(f"/customers/{cid}/loyalty/points", json={"points": 120,
                                                                                       "reason": "welcome"})
                assert added.status_code == 201, added.text

            async def known() -> bool:
                return await campaigns.state.deps.recipients.get(cid) is not None
            await eventually(known, what="campaigns' read model")
            databases = [campaigns.state.deps.runtime.db.name, loyalty.state.deps.runtime.db.name]
            analytics_before = (await loyalty.state.deps.ledger.collection.count_documents({"customerId": cid}))

        erased = await api.post(f"/customers/{cid}/erasure", json={"reason": "request while loyalty was down"})
        assert erased.status_code == 200 and erased.json()["alreadyErased"] is False

        async def published() -> bool:
            return await customers_app.state.deps.runtime.outbox.backlog() == 0
        await eventually(published, what="customer.erased published while both services are down")

        loyalty_up, campaigns_up = both()
        async with loyalty_up as loyalty, campaigns_up as campaigns:
            async def caught_up() -> bool:
                member = await loyalty.state.deps.members.get(cid)
                recipient = await campaigns.state.deps.recipients.collection.find_one({"_id": cid})
                return bool(member and member.deleted and recipient and recipient.get("erased"))
            await eventually(caught_up, what="both services handle the erasure after their restart")
            mongo = customers_app.state.deps.runtime.mongo
            assert await _scan([mongo[name] for name in databases], email, phone) == []
            assert await loyalty.state.deps.ledger.collection.count_documents({"customerId": cid}) == analytics_before
    finally:
        await delete_work_queue(amqp_url, campaigns_settings.work_queue_name)


async def test_campaigns_refuse_an_erased_persons_address(api, customers_app, campaigns_api, campaigns_app, sinks):
    """Phones are not unique: someone else with an erased person's number is not messaged on it."""
    email, phone = _person()
    erased = await _create(api, email, phone)
    flatmate = await _create(api, f"flat.mate.{uuid.uuid4().hex[:8]}@example.com", phone)
    deps = campaigns_app.state.deps

    async def known() -> bool:
        return len(await deps.recipients.by_ids([erased["id"], flatmate["id"]])) == 2
    await eventually(known, what="campaigns' read model")
    assert (await api.post(f"/customers/{erased['id']}/erasure", json={"reason": "request"})).status_code == 200

    async def suppressed() -> bool:
        return bool(await deps.suppressions.suppressed_addresses([("sms", phone)]))
    await eventually(suppressed, what="campaigns' copy of the suppression list")
    campaign = (await campaigns_api.post("/campaigns", json={"name": "Flash", "type": "sms", "content": "Sale today",
                                                             "targetCustomers": [flatmate["id"]]})).json()
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "failed")  # its only recipient: nothing could go out
    assert await skipped_reasons(campaigns_api, campaign["id"]) == {flatmate["id"]: "suppressed"}
    assert not [m for m in sinks.sms if phone in str(m)]


async def test_erasing_a_customer_forgets_the_profiles_merged_into_it(api, customers_app):
    """A duplicate merged into the erased customer was the same person: its tombstone and old events go too."""
    email, phone = _person()
    kept = await _create(api, email, phone)
    old_email = f"Erin.Old.{uuid.uuid4().hex[:8]}@Example.org"
    duplicate = await _create(api, old_email, None)
    merged = await api.post("/merges", json={"keepId": kept["id"], "mergeId": duplicate["id"]})
    assert merged.status_code in (200, 201), merged.text
    assert (await api.post(f"/customers/{kept['id']}/erasure", json={"reason": "request"})).status_code == 200

    db = customers_app.state.deps.runtime.db
    assert await _scan([db], old_email, phone) == []
    again = await api.post("/customers", json=customer_body(email=old_email.upper(), phone=None))
    assert again.status_code == 409 and again.json()["error"] == {
        "code": "SUPPRESSED", "message": again.json()["error"]["message"], "field": "email"}
