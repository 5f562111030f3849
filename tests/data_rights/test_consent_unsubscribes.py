"""Unsubscribes are revokes in the consent ledger: the link in a mail (unsubscribe_link), a spam complaint from the
email provider (provider_complaint) and an SMS STOP to our number (sms_stop), each with when it happened; the flag
turns off, and a later grant turns it on again (the latest decision wins)."""
from tests.campaigns.conftest import (  # noqa: F401  (fixtures: a campaigns app that really sends, and its sinks)
    add_customer,
    campaigns_app,
    campaigns_settings,
    email_campaign,
    segments,
    segments_transport,
    sinks,
    wait_status,
)
from tests.campaigns.signing import post_signed, post_twilio
from tests.conftest import eventually

BOTH = {"email": True, "sms": True, "push": False}


async def _revokes(api, customer_id: str, channel: str) -> list[dict]:
    items = (await api.get(f"/customers/{customer_id}/consents")).json()["items"]
    return [r for r in items if r["channel"] == channel and r["status"] == "revoked"]


async def _flag(api, customer_id: str, channel: str) -> bool:
    return (await api.get(f"/customers/{customer_id}")).json()["communication"][channel]


async def test_link_complaint_and_stop_are_recorded_revokes(api, campaigns_api, campaigns_app, campaigns_settings,
                                                           sinks):
    leaver = await add_customer(api, campaigns_app, phone="+14155550111", communication=BOTH)
    grumpy = await add_customer(api, campaigns_app, phone="+14155550112", communication=BOTH)
    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(
        targetCustomers=[leaver["id"], grumpy["id"]]))).json()
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "sent")

    # The unsubscribe link of the mail.
    [mail] = sinks.mails_to(leaver["email"])
    url = mail["headers"]["List-Unsubscribe"].strip("<>").removeprefix("http://campaigns")
    assert (await campaigns_api.post(url)).status_code == 200

    # The provider's spam complaint about the other mail.
    complaint = await post_signed(campaigns_api, campaigns_settings, "/webhooks/email/status",
                                  {"reference": f"{campaign['id']}:{grumpy['id']}", "status": "complained"})
    assert complaint.status_code == 204

    # SMS STOP from the first customer's number (Twilio-signed).
    stop = await post_twilio(campaigns_api, campaigns_settings, "/webhooks/sms/inbound",
                             {"MessageSid": "SMconsent1", "From": "+14155550111", "Body": "Unsubscribe"})
    assert stop.status_code == 200

    async def all_off() -> bool:
        return (not await _flag(api, leaver["id"], "email") and not await _flag(api, grumpy["id"], "email")
                and not await _flag(api, leaver["id"], "sms"))
    await eventually(all_off, what="the three revokes reach the customers service")

    [link] = await _revokes(api, leaver["id"], "email")
    assert (link["source"], link["campaignId"], link["actor"]) == ("unsubscribe_link", campaign["id"], None)
    [spam] = await _revokes(api, grumpy["id"], "email")
    assert (spam["source"], spam["campaignId"]) == ("provider_complaint", campaign["id"])
    [sms] = await _revokes(api, leaver["id"], "sms")
    assert sms["source"] == "sms_stop" and sms.get("campaignId") is None
    assert await _flag(api, grumpy["id"], "sms") is True  # only the channel that was revoked

    # The person signs up again later: the latest decision wins, here and in campaigns' read model.
    again = await api.post(f"/customers/{leaver['id']}/consents", json={
        "channel": "email", "status": "granted", "source": "preference_center", "ip": "192.0.2.1"})
    assert again.status_code == 201
    assert await _flag(api, leaver["id"], "email") is True

    async def may_be_mailed_again() -> bool:
        recipient = await campaigns_app.state.deps.recipients.get(leaver["id"])
        return recipient["emailOptIn"] is True and not (recipient.get("unsubscribed") or {}).get("email")
    await eventually(may_be_mailed_again, what="campaigns' read model follows the new grant")
