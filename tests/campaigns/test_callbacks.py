"""The email provider's callbacks (delivered, bounced, complained) count only when signed, fresh and new: a refused
one changes no message, no opt-in and publishes nothing."""
import json
import time

from services.campaigns.domain.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_header
from tests.campaigns.conftest import add_customer, email_campaign, wait_status
from tests.campaigns.signing import post_signed, signed_headers
from tests.conftest import eventually

PATH = "/webhooks/email/status"


async def _sent_email(api, campaigns_api, campaigns_app) -> tuple[dict, dict, str]:
    ada = await add_customer(api, campaigns_app)
    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(targetCustomers=[ada["id"]]))).json()
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "sent")
    return ada, campaign, f"{campaign['id']}:{ada['id']}"


class State:
    """What a callback could change: the message, the campaign's counters, the outbox (every published event)."""

    def __init__(self, api, campaigns_api, campaigns_app, customer: dict, campaign: dict, reference: str):
        self.api, self.campaigns_api, self.deps = api, campaigns_api, campaigns_app.state.deps
        self.customer, self.campaign, self.reference = customer, campaign, reference

    async def snapshot(self) -> dict:
        message = await self.deps.messages.get(self.reference)
        metrics = (await self.campaigns_api.get(f"/campaigns/{self.campaign['id']}/metrics")).json()
        recipient = await self.deps.recipients.get(self.customer["id"])
        customer = (await self.api.get(f"/customers/{self.customer['id']}")).json()
        return {"status": message.status, "unsubscribedAt": message.unsubscribed_at,
                "metrics": {k: metrics[k] for k in ("delivered", "bounced", "unsubscribed")},
                "unsubscribed": (recipient.get("unsubscribed") or {}).get("email"),
                "optIn": customer["communication"]["email"],
                "events": await self.deps.runtime.outbox.collection.count_documents({})}


async def test_unsigned_forged_stale_and_replayed_callbacks_change_nothing(api, campaigns_api, campaigns_app,
                                                                          campaigns_settings):
    ada, campaign, reference = await _sent_email(api, campaigns_api, campaigns_app)
    state = State(api, campaigns_api, campaigns_app, ada, campaign, reference)
    secret = campaigns_settings.webhook_secret.get_secret_value()
    body = json.dumps({"reference": reference, "status": "complained"}).encode()
    now = int(time.time())
    before = await state.snapshot()
    assert before["optIn"] is True and before["status"] == "sent"

    refused = {
        "unsigned": {"Content-Type": "application/json"},
        "no timestamp": {SIGNATURE_HEADER: signature_header(secret, str(now), body)},
        "other secret": signed_headers("not-the-secret", body),
        "signed another body": signed_headers(secret, body.replace(b"complained", b"delivered")),
        "timestamp not the signed one": {**signed_headers(secret, body, now), TIMESTAMP_HEADER: str(now + 1)},
        "stale": signed_headers(secret, body, now - campaigns_settings.webhook_tolerance_seconds - 5),
        "from the future": signed_headers(secret, body, now + 120),
        "not a number": {**signed_headers(secret, body), TIMESTAMP_HEADER: "yesterday"},
        "not ASCII digits": {**signed_headers(secret, body), TIMESTAMP_HEADER: "1²".encode("latin-1")},
    }
    for case, headers in refused.items():
        answer = await campaigns_api.post(PATH, content=body, headers=headers)
        assert answer.status_code == 401, (case, answer.text)
        assert answer.json()["error"]["code"] == "UNAUTHENTICATED", case
    # Garbage is refused for its signature before its shape is looked at.
    assert (await campaigns_api.post(PATH, content=b"{nope", headers={})).status_code == 401
    assert await state.snapshot() == before

    accepted = signed_headers(secret, body)
    assert (await campaigns_api.post(PATH, content=body, headers=accepted)).status_code == 204
    after = await state.snapshot()
    assert after["metrics"]["unsubscribed"] == 1 and after["unsubscribed"] is True
    assert after["events"] == before["events"] + 1  # customer.unsubscribed

    async def opt_in_off() -> bool:
        return (await api.get(f"/customers/{ada['id']}")).json()["communication"]["email"] is False
    await eventually(opt_in_off, what="the complaint turns the email opt-in off")

    replay = await campaigns_api.post(PATH, content=body, headers=accepted)
    assert replay.status_code == 409 and replay.json()["error"]["field"] == SIGNATURE_HEADER
    assert (await state.snapshot())["events"] == after["events"]
    assert await campaigns_app.state.deps.receipts.collection.count_documents({}) == 1


async def test_delivered_and_bounced_move_the_message_and_its_metrics(api, campaigns_api, campaigns_app,
                                                                     campaigns_settings):
    _, campaign, reference = await _sent_email(api, campaigns_api, campaigns_app)
    delivered = await post_signed(campaigns_api, campaigns_settings, PATH, {"reference": reference,
                                                                           "status": "delivered"})
    assert delivered.status_code == 204, delivered.text
    assert (await campaigns_app.state.deps.messages.get(reference)).status == "delivered"
    bounced = await post_signed(campaigns_api, campaigns_settings, PATH, {"reference": reference, "status": "bounced"})
    assert bounced.status_code == 204
    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert (metrics["delivered"], metrics["bounced"]) == (1, 1)

    unknown = await post_signed(campaigns_api, campaigns_settings, PATH, {"reference": "nope:nope",
                                                                         "status": "bounced"})
    assert unknown.status_code == 404
    invalid = await post_signed(campaigns_api, campaigns_settings, PATH, {"reference": reference, "status": "lost"})
    assert invalid.status_code == 422 and invalid.json()["error"]["field"] == "status"


async def test_the_sink_reports_a_bounce_signed_like_a_provider(api, campaigns_api, campaigns_app, sinks):
    import httpx
    ada, campaign, reference = await _sent_email(api, campaigns_api, campaigns_app)
    [mail] = [m for m in sinks.mail.received if ada["email"] in m["to"]]
    async with httpx.AsyncClient(base_url=sinks.sms_url) as sink:
        answer = (await sink.post(f"/mails/{mail['id']}/events", json={"status": "bounced"})).json()
    assert answer["forwarded"] == 204, answer
    assert (await campaigns_app.state.deps.messages.get(reference)).status == "bounced"
