"""Opted-out and unsubscribed customers receive nothing; unsubscribing turns the customer's opt-in off."""
from tests.campaigns.conftest import add_customer, email_campaign, wait_status
from tests.campaigns.signing import post_twilio
from tests.conftest import eventually


async def test_opted_out_and_unsubscribed_customers_receive_nothing(api, campaigns_api, campaigns_app, sinks):
    keen = await add_customer(api, campaigns_app)
    opted_out = await add_customer(api, campaigns_app, communication={"email": False, "sms": True, "push": False})
    leaver = await add_customer(api, campaigns_app)

    first = (await campaigns_api.post("/campaigns", json=email_campaign(
        targetCustomers=[keen["id"], leaver["id"]]))).json()
    await campaigns_api.post(f"/campaigns/{first['id']}/send")
    await wait_status(campaigns_api, first["id"], "sent")
    [mail] = sinks.mails_to(leaver["email"])

    # One-click unsubscribe (RFC 8058): a POST to the List-Unsubscribe URL.
    url = mail["headers"]["List-Unsubscribe"].strip("<>").removeprefix("http://campaigns")
    assert (await campaigns_api.get(url)).status_code == 200  # the page only asks
    assert (await campaigns_api.post(url)).status_code == 200
    assert (await campaigns_api.post(url)).status_code == 200  # twice is still one unsubscribe
    metrics = (await campaigns_api.get(f"/campaigns/{first['id']}/metrics")).json()
    assert (metrics["unsubscribed"], metrics["unsubscribeRate"]) == (1, 0.5)

    async def opt_in_off() -> bool:
        customer = (await api.get(f"/customers/{leaver['id']}")).json()
        return customer["communication"]["email"] is False
    await eventually(opt_in_off, what="customers turns the email opt-in off")

    second = (await campaigns_api.post("/campaigns", json=email_campaign(
        targetCustomers=[keen["id"], opted_out["id"], leaver["id"], "no-such-customer"]))).json()
    await campaigns_api.post(f"/campaigns/{second['id']}/send")
    await wait_status(campaigns_api, second["id"], "sent")
    assert len(sinks.mails_to(keen["email"])) == 2
    assert sinks.mails_to(opted_out["email"]) == []
    assert len(sinks.mails_to(leaver["email"])) == 1  # only the first campaign's
    metrics = (await campaigns_api.get(f"/campaigns/{second['id']}/metrics")).json()
    assert (metrics["targeted"], metrics["sent"], metrics["skipped"]) == (4, 1, 3)
    skipped = (await campaigns_api.get(f"/campaigns/{second['id']}/recipients",
                                       params={"status": "skipped"})).json()["items"]
    assert {m["customerId"]: m["reason"] for m in skipped} == {
        opted_out["id"]: "opted_out", leaver["id"]: "unsubscribed", "no-such-customer": "unknown_customer"}


async def test_sms_stop_unsubscribes_and_a_customer_without_a_number_is_skipped(api, campaigns_api, campaigns_app,
                                                                               sinks, campaigns_settings):
    both = {"email": True, "sms": True, "push": False}
    texter = await add_customer(api, campaigns_app, phone="+14155550123", communication=both)
    no_phone = await add_customer(api, campaigns_app, phone=None, communication=both)

    stop = await post_twilio(campaigns_api, campaigns_settings, "/webhooks/sms/inbound",
                             {"MessageSid": "SM1", "From": "+14155550123", "Body": " stop "})
    assert stop.status_code == 200 and "<Response>" in stop.text  # TwiML: Twilio's opt-out handling replies
    forged = await post_twilio(campaigns_api, campaigns_settings, "/webhooks/sms/inbound",
                               {"MessageSid": "SM2", "From": "+14155550199", "Body": "STOP"}, signature="guess")
    assert forged.status_code == 401

    async def sms_off() -> bool:
        return (await api.get(f"/customers/{texter['id']}")).json()["communication"]["sms"] is False
    await eventually(sms_off, what="customers turns the SMS opt-in off")

    campaign = (await campaigns_api.post("/campaigns", json={
        "name": "Flash", "type": "sms", "content": "Sale!", "targetCustomers": [texter["id"], no_phone["id"]]})).json()
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "failed")  # nobody could be messaged
    assert sinks.sms == []
    skipped = (await campaigns_api.get(f"/campaigns/{campaign['id']}/recipients")).json()["items"]
    assert {m["customerId"]: m["reason"] for m in skipped} == {texter["id"]: "unsubscribed",
                                                                no_phone["id"]: "no_address"}
