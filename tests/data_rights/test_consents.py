"""Consent with proof, in the customers service: the ledger, its defaults, the flags derived from it, bad input."""
from datetime import datetime, timedelta, timezone

from shared.actor import ACTOR_HEADER, Actor
from tests.customers.factories import customer_body

STAFF = Actor(subject="staff-7", role="support", name="Sam Staff")
AS_STAFF = {ACTOR_HEADER: STAFF.header_value()}
NONE = {"email": False, "sms": False, "push": False}


def _new(**overrides) -> dict:
    body = customer_body(**overrides)
    return body


async def _ledger(api, customer_id: str, **params) -> dict:
    response = await api.get(f"/customers/{customer_id}/consents", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_new_customer_is_opted_out_of_everything_with_an_empty_ledger(api):
    body = _new()
    del body["communication"]
    created = (await api.post("/customers", json=body)).json()
    assert created["communication"] == NONE
    assert (await _ledger(api, created["id"]))["total"] == 0
    segment_view = (await api.get("/customers", params={"ids": created["id"]})).json()["items"][0]
    assert segment_view["communication"]["email"] is False


async def test_a_storefront_signup_records_its_proof_and_opts_in(api):
    proof = {"source": "signup_form", "wording": "Send me news and offers", "form": "footer-newsletter",
             "ip": "203.0.113.9", "userAgent": "Mozilla/5.0 (shop)"}
    created = (await api.post("/customers", json=_new(communication={"email": True}, consent=proof))).json()
    assert created["communication"] == {"email": True, "sms": False, "push": False}
    [record] = (await _ledger(api, created["id"]))["items"]
    assert {k: record[k] for k in ("channel", "purpose", "status", "source", "wording", "form", "ip", "userAgent")} \
        == {"channel": "email", "purpose": "marketing", "status": "granted", "source": "signup_form",
            "wording": "Send me news and offers", "form": "footer-newsletter", "ip": "203.0.113.9",
            "userAgent": "Mozilla/5.0 (shop)"}
    assert record["actor"] is None  # the storefront, not a staff member


async def test_staff_setting_flags_records_admin_consents_with_the_actor(api):
    created = (await api.post("/customers", json=_new(communication={"sms": True}), headers=AS_STAFF)).json()
    [sms] = (await _ledger(api, created["id"]))["items"]
    assert (sms["channel"], sms["status"], sms["source"]) == ("sms", "granted", "admin")
    assert sms["actor"]["subject"] == "staff-7" and sms["actor"]["name"] == "Sam Staff"

    # An update records only the channels it changes: email on, sms off; push stays as it was (no record).
    updated = await api.put(f"/customers/{created['id']}", headers=AS_STAFF,
                            json={"communication": {"email": True, "sms": False, "push": False}})
    assert updated.json()["communication"] == {"email": True, "sms": False, "push": False}
    ledger = (await _ledger(api, created["id"]))["items"]
    assert sorted((r["channel"], r["status"]) for r in ledger) == [("email", "granted"), ("sms", "granted"),
                                                                   ("sms", "revoked")]
    # The same flags again change nothing and record nothing.
    await api.put(f"/customers/{created['id']}", json={"communication": updated.json()["communication"]})
    assert (await _ledger(api, created["id"]))["total"] == 3


async def test_recording_a_consent_moves_the_flag_and_the_latest_decision_wins(api):
    customer = (await api.post("/customers", json=_new(communication=NONE))).json()
    url = f"/customers/{customer['id']}/consents"
    grant = await api.post(url, headers=AS_STAFF, json={
        "channel": "push", "status": "granted", "source": "preference_center", "ip": "2001:db8::1",
        "userAgent": "ShopApp/3.1"})
    assert grant.status_code == 201, grant.text
    assert grant.json()["actor"]["subject"] == "staff-7" and grant.json()["ip"] == "2001:db8::1"
    assert (await api.get(f"/customers/{customer['id']}")).json()["communication"]["push"] is True
    timeline = (await api.get(f"/customers/{customer['id']}/activity")).json()["items"]
    assert [e["summary"] for e in timeline if e["type"] == "consent.granted"] == [
        "Push marketing consent granted (preference center)"]

    # A revoke dated before the grant is kept as history but is not the latest decision: push stays on.
    earlier = (datetime.now(timezone.utc) - timedelta(days=30)).isoformat()
    old = await api.post(url, json={"channel": "push", "status": "revoked", "source": "import",
                                    "occurredAt": earlier})
    assert old.status_code == 201
    assert (await api.get(f"/customers/{customer['id']}")).json()["communication"]["push"] is True
    # A later revoke is, and turns it off.
    await api.post(url, json={"channel": "push", "status": "revoked", "source": "customer_request"})
    assert (await api.get(f"/customers/{customer['id']}")).json()["communication"]["push"] is False

    # Transactional records are kept but move no marketing flag.
    await api.post(url, json={"channel": "email", "purpose": "transactional", "status": "granted",
                              "source": "checkout"})
    assert (await api.get(f"/customers/{customer['id']}")).json()["communication"]["email"] is False

    ledger = await _ledger(api, customer["id"], limit=2)
    assert ledger["total"] == 4 and len(ledger["items"]) == 2
    everything = (await _ledger(api, customer["id"]))["items"]
    assert everything[-1]["source"] == "import"  # newest first, by when each was given


async def test_bad_consent_input_is_refused_with_its_field(api):
    customer = (await api.post("/customers", json=_new())).json()
    url = f"/customers/{customer['id']}/consents"
    ok = {"channel": "email", "status": "granted", "source": "admin"}
    cases = [({**ok, "channel": "fax"}, "channel"), ({**ok, "source": "telepathy"}, "source"),
             ({**ok, "source": "double_opt_in"}, "source"),  # only the confirmation link records that
             ({**ok, "source": "unsubscribe_link"}, "source"),
             ({**ok, "status": "pending"}, "status"), ({**ok, "purpose": "gossip"}, "purpose"),
             ({**ok, "ip": "not-an-ip"}, "ip"), ({**ok, "unknown": 1}, "unknown"),
             ({**ok, "occurredAt": "2999-01-01T00:00:00Z"}, "occurredAt")]
    for body, field in cases:
        response = await api.post(url, json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.text, (body, response.text)
    assert (await api.post("/customers/no-such-id/consents", json=ok)).status_code == 404
    assert (await api.get("/customers/no-such-id/consents")).status_code == 404
    # consent without the flags it describes
    bad = await api.put(f"/customers/{customer['id']}", json={"consent": {"source": "signup_form"}})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "consent"
    assert (await _ledger(api, customer["id"]))["total"] == 2  # only the factory's two grants


async def test_the_batch_read_gives_one_page_per_customer(api):
    first = (await api.post("/customers", json=_new(communication={"email": True, "sms": True}))).json()
    second = (await api.post("/customers", json=_new(communication=NONE))).json()
    pages = (await api.get("/consents", params={"customerIds": f"{first['id']},{second['id']}",
                                                "limit": 1})).json()
    assert pages[first["id"]]["total"] == 2 and len(pages[first["id"]]["items"]) == 1
    assert pages[second["id"]] == {"items": [], "total": 0, "limit": 1, "offset": 0}


async def test_erasure_keeps_the_decisions_but_not_the_ip_and_user_agent(api):
    proof = {"source": "signup_form", "wording": "News please", "ip": "203.0.113.77", "userAgent": "Mozilla/5.0"}
    created = (await api.post("/customers", json=_new(communication={"email": True}, consent=proof))).json()
    erased = await api.post(f"/customers/{created['id']}/erasure", json={"reason": "customer request"})
    assert erased.status_code == 200, erased.text

    [record] = (await _ledger(api, created["id"]))["items"]  # the proof stays, redacted
    assert (record["status"], record["source"], record["wording"]) == ("granted", "signup_form", "News please")
    assert record["ip"] is None and record["userAgent"] is None
    refused = await api.post(f"/customers/{created['id']}/consents",
                             json={"channel": "email", "status": "granted", "source": "admin"})
    assert refused.status_code == 410


async def test_an_update_changes_only_the_channels_it_sends(api):
    created = (await api.post("/customers", json=_new(communication={"email": True}))).json()
    updated = (await api.put(f"/customers/{created['id']}", json={"communication": {"sms": True}})).json()
    assert updated["communication"] == {"email": True, "sms": True, "push": False}
    assert sorted(r["channel"] for r in (await _ledger(api, created["id"]))["items"]) == ["email", "sms"]


async def test_a_profile_from_before_the_ledger_keeps_its_flags_until_its_first_decision(api, customers_app):
    created = (await api.post("/customers", json=_new(communication=NONE))).json()
    # As stored before consents were recorded: email on (the old default), no ledger.
    await customers_app.state.deps.customers.collection.update_one(
        {"_id": created["id"]}, {"$set": {"communication.email": True}})
    await api.post(f"/customers/{created['id']}/consents", json={"channel": "sms", "status": "granted",
                                                                 "source": "admin"})
    assert (await api.get(f"/customers/{created['id']}")).json()["communication"] == \
        {"email": True, "sms": True, "push": False}
    await api.post(f"/customers/{created['id']}/consents", json={"channel": "email", "status": "revoked",
                                                                 "source": "customer_request"})
    assert (await api.get(f"/customers/{created['id']}")).json()["communication"]["email"] is False
