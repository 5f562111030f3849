"""A real email goes through SMTP to the sink and a real SMS reaches the local provider, rendered per customer."""
from tests.campaigns.conftest import add_customer, email_campaign, wait_status
from tests.conftest import eventually


async def test_email_goes_through_smtp_with_rendered_fields_and_tracking(api, campaigns_api, campaigns_app, sinks):
    ada = await add_customer(api, campaigns_app, firstName="Ada", lastName="Lovelace")
    created = await campaigns_api.post("/campaigns", json=email_campaign(targetCustomers=[ada["id"]]))
    assert created.status_code == 201, created.text
    campaign = created.json()

    sent = await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    assert sent.status_code == 202 and sent.json()["status"] == "sending"
    done = await wait_status(campaigns_api, campaign["id"], "sent")
    assert done["sentDate"] is not None and done["deliveryRate"] == 1.0

    [mail] = sinks.mails_to(ada["email"])
    assert mail["subject"] == "Hi Ada!"
    assert "Hello Ada Lovelace, see https://joantees.example/sale" in mail["text"]
    assert mail["headers"]["List-Unsubscribe"].startswith("<http://campaigns/u/")
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "http://campaigns/t/c/" in mail["html"] and "http://campaigns/t/o/" in mail["html"]
    assert "https://joantees.example/sale\"" not in mail["html"]  # the link goes through the click redirect

    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert (metrics["targeted"], metrics["sent"], metrics["skipped"], metrics["pending"]) == (1, 1, 0, 0)
    [recipient] = (await campaigns_api.get(f"/campaigns/{campaign['id']}/recipients")).json()["items"]
    assert recipient["status"] == "sent" and recipient["to"] == ada["email"]

    async def on_timeline() -> bool:
        items = (await api.get(f"/customers/{ada['id']}/activity")).json()["items"]
        return any(i["type"] == "campaign.sent" and "Spring sale" in i["summary"] for i in items)
    await eventually(on_timeline, what="campaign.sent on the customer's timeline")


async def test_sms_reaches_the_provider_and_its_delivery_report_counts(api, campaigns_api, campaigns_app, sinks):
    ada = await add_customer(api, campaigns_app, firstName="Ada", phone="+14155550123",
                             communication={"email": True, "sms": True, "push": False})
    campaign = (await campaigns_api.post("/campaigns", json={
        "name": "Flash", "type": "sms", "content": "Hi {{ firstName }}, 20% off today only!",
        "targetCustomers": [ada["id"]]})).json()
    assert campaign["sms"] == {"length": 27, "segments": 1, "encoding": "GSM-7"}

    assert (await campaigns_api.post(f"/campaigns/{campaign['id']}/send")).status_code == 202
    await wait_status(campaigns_api, campaign["id"], "sent")
    [sms] = sinks.sms
    assert (sms["to"], sms["body"]) == ("+14155550123", "Hi Ada, 20% off today only!\nReply STOP to opt out")
    assert sms["reference"] == f"{campaign['id']}:{ada['id']}"

    async def delivered() -> bool:
        return (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()["delivered"] == 1
    await eventually(delivered, what="delivery webhook counted")


async def test_transient_smtp_refusal_is_retried_and_a_permanent_one_fails(api, campaigns_api, campaigns_app, sinks):
    ada = await add_customer(api, campaigns_app)
    sinks.mail.replies = ["451 4.3.0 try again later"]
    first = (await campaigns_api.post("/campaigns", json=email_campaign(targetCustomers=[ada["id"]]))).json()
    await campaigns_api.post(f"/campaigns/{first['id']}/send")
    await wait_status(campaigns_api, first["id"], "sent")
    [message] = (await campaigns_api.get(f"/campaigns/{first['id']}/recipients")).json()["items"]
    assert (message["status"], message["attempts"]) == ("sent", 2)
    assert len(sinks.mails_to(ada["email"])) == 1

    sinks.mail.replies = ["554 5.7.1 rejected"]
    second = (await campaigns_api.post("/campaigns", json=email_campaign(targetCustomers=[ada["id"]]))).json()
    await campaigns_api.post(f"/campaigns/{second['id']}/send")
    done = await wait_status(campaigns_api, second["id"], "failed")
    metrics = (await campaigns_api.get(f"/campaigns/{done['id']}/metrics")).json()
    assert (metrics["failed"], metrics["sent"]) == (1, 0)
    assert len(sinks.mails_to(ada["email"])) == 1
