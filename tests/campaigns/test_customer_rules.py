"""The platform's customer rules in campaigns (docs/purchase-path.md): suspended customers get no marketing, a
customer created a moment ago can be targeted at once, and deleting a customer leaves campaign history alone."""
import asyncio
import re
from datetime import timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager

from services.campaigns import app as campaigns_app_module
from services.campaigns.app import create_app
from services.campaigns.domain.messages import skip_reason
from services.campaigns.handlers.recipients import on_customer_contact
from shared.events import contracts
from shared.events.envelope import Envelope
from tests.campaigns.conftest import add_customer, delete_work_queue, email_campaign, wait_status
from tests.conftest import CountingTransport, eventually
from tests.customers.factories import customer_body
from tests.support.http import service_client

BOTH = {"email": True, "sms": True, "push": False}


async def set_status(api, campaigns_app, customer: dict, status: str) -> None:
    """Staff change the status in the customers service; waits until campaigns' read model has it."""
    response = await api.put(f"/customers/{customer['id']}", json={"status": status})
    assert response.status_code == 200, response.text

    async def seen() -> bool:
        recipient = await campaigns_app.state.deps.recipients.get(customer["id"])
        return recipient is not None and recipient["status"] == status
    await eventually(seen, what=f"read model status {status}")


async def skipped_reasons(campaigns_api, campaign_id: str) -> dict[str, str]:
    items = (await campaigns_api.get(f"/campaigns/{campaign_id}/recipients",
                                     params={"status": "skipped", "limit": 100})).json()["items"]
    return {m["customerId"]: m["reason"] for m in items}


def test_suspended_is_a_skip_reason_for_every_channel_and_only_for_suspended():
    reachable = {"status": "active", "email": "a@example.com", "phone": "+14155550123",
                 "emailOptIn": True, "smsOptIn": True}
    for channel in ("email", "sms"):
        assert skip_reason({**reachable, "status": "suspended"}, channel) == "suspended"
        assert skip_reason({**reachable, "status": "inactive"}, channel) is None
        assert skip_reason(reachable, channel) is None


async def test_suspended_customers_get_no_email_from_a_segment_or_a_list(api, campaigns_api, campaigns_app, sinks,
                                                                        segments):
    ana = await add_customer(api, campaigns_app)          # active throughout
    sam = await add_customer(api, campaigns_app)          # suspended before the campaign exists
    rae = await add_customer(api, campaigns_app)          # suspended, then reactivated before the send
    lee = await add_customer(api, campaigns_app)          # suspended after the campaign was created
    dot = await add_customer(api, campaigns_app)          # inactive (dormant) still receives marketing
    await set_status(api, campaigns_app, sam, "suspended")
    await set_status(api, campaigns_app, rae, "suspended")
    await set_status(api, campaigns_app, dot, "inactive")
    segments["vip"] = [lee["id"], sam["id"], dot["id"]]

    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(
        targetCustomers=[ana["id"], sam["id"], rae["id"]], targetSegment="vip"))).json()
    await set_status(api, campaigns_app, lee, "suspended")
    await set_status(api, campaigns_app, rae, "active")
    assert (await campaigns_api.post(f"/campaigns/{campaign['id']}/send")).status_code == 202
    await wait_status(campaigns_api, campaign["id"], "sent")

    for customer, mails in ((ana, 1), (rae, 1), (dot, 1), (sam, 0), (lee, 0)):
        assert len(sinks.mails_to(customer["email"])) == mails, customer
    # Skipped customers are counted, with the reason, so the metrics show why the audience shrank.
    assert await skipped_reasons(campaigns_api, campaign["id"]) == {sam["id"]: "suspended", lee["id"]: "suspended"}
    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert (metrics["targeted"], metrics["skipped"], metrics["queued"], metrics["sent"]) == (5, 2, 3, 3)
    assert (metrics["skipRate"], metrics["deliveryRate"]) == (0.4, 1.0)


async def test_suspended_customers_get_no_sms(api, campaigns_api, campaigns_app, sinks, segments):
    ana = await add_customer(api, campaigns_app, phone="+14155550101", communication=BOTH)
    sam = await add_customer(api, campaigns_app, phone="+14155550102", communication=BOTH)
    await set_status(api, campaigns_app, sam, "suspended")
    segments["texters"] = [ana["id"], sam["id"]]
    campaign = (await campaigns_api.post("/campaigns", json={
        "name": "Flash", "type": "sms", "content": "Sale today", "targetSegment": "texters"})).json()
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "sent")
    assert [s["to"] for s in sinks.sms] == ["+14155550101"]
    assert await skipped_reasons(campaigns_api, campaign["id"]) == {sam["id"]: "suspended"}
    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert (metrics["targeted"], metrics["skipped"], metrics["sent"]) == (2, 1, 1)


async def test_a_customer_suspended_after_the_fan_out_is_skipped_at_the_send(api, campaigns_api, campaigns_app,
                                                                              sinks):
    ana = await add_customer(api, campaigns_app)
    lee = await add_customer(api, campaigns_app)
    deps = campaigns_app.state.deps
    recorded, release = asyncio.Event(), asyncio.Event()
    publish = deps.work.publish

    async def held_publish(items):
        recorded.set()  # both messages are recorded `queued`; their work items wait
        await release.wait()
        return await publish(items)
    deps.work.publish = held_publish

    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(
        targetCustomers=[ana["id"], lee["id"]]))).json()
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await asyncio.wait_for(recorded.wait(), 15)
    queued = (await campaigns_api.get(f"/campaigns/{campaign['id']}/recipients",
                                      params={"status": "queued"})).json()["items"]
    assert {m["customerId"] for m in queued} == {ana["id"], lee["id"]}
    await set_status(api, campaigns_app, lee, "suspended")
    release.set()
    await wait_status(campaigns_api, campaign["id"], "sent")

    assert len(sinks.mails_to(ana["email"])) == 1 and sinks.mails_to(lee["email"]) == []
    assert await skipped_reasons(campaigns_api, campaign["id"]) == {lee["id"]: "suspended"}
    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert (metrics["targeted"], metrics["queued"], metrics["sent"], metrics["skipped"], metrics["pending"]) == \
        (2, 2, 1, 1, 0)


@pytest.fixture
async def deaf_campaigns(customers_app, sinks, campaigns_settings, amqp_url, segments, monkeypatch):
    """A campaigns app that consumes no events (customer.created never reaches it), asking the real customers
    service for customers through a transport that records every call."""
    monkeypatch.setattr(campaigns_app_module.events, "subscriptions", lambda deps: {})
    transport = CountingTransport(customers_app)
    app = create_app(campaigns_settings, customers_transport=transport)
    sinks.callbacks.app = app
    try:
        async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
            async with service_client(app, "http://campaigns") as client:
                yield app, client, transport
    finally:
        await delete_work_queue(amqp_url, campaigns_settings.work_queue_name)


async def test_a_customer_created_a_moment_ago_can_be_targeted_at_once(api, deaf_campaigns, sinks):
    app, campaigns, transport = deaf_campaigns
    recipients = app.state.deps.recipients
    fresh = (await api.post("/customers", json=customer_body())).json()
    blocked = (await api.post("/customers", json=customer_body(status="suspended"))).json()
    viewer = (await api.post("/customers", json=customer_body(firstName="Grace"))).json()
    assert await recipients.collection.count_documents({}) == 0  # campaigns has heard of nobody

    preview = await campaigns.post("/campaigns", json=email_campaign(targetCustomers=[viewer["id"]]))
    shown = await campaigns.post(f"/campaigns/{preview.json()['id']}/preview", json={"customerId": viewer["id"]})
    assert shown.status_code == 200 and shown.json()["subject"] == "Hi Grace!"

    created = await campaigns.post("/campaigns", json=email_campaign(
        targetCustomers=[fresh["id"], blocked["id"], "no-such-customer"]))
    assert created.status_code == 201, created.text
    assert (await campaigns.post(f"/campaigns/{created.json()['id']}/send")).status_code == 202
    await wait_status(campaigns, created.json()["id"], "sent")

    assert len(sinks.mails_to(fresh["email"])) == 1 and sinks.mails_to(blocked["email"]) == []
    assert await skipped_reasons(campaigns, created.json()["id"]) == {
        blocked["id"]: "suspended", "no-such-customer": "unknown_customer"}
    # The customers service answered, and campaigns kept the answers (an unknown id is not remembered).
    asked = {path.rsplit("/", 1)[1] for path in transport.paths if path.startswith("/customers/")}
    assert asked == {fresh["id"], blocked["id"], viewer["id"], "no-such-customer"}
    kept = await recipients.by_ids([fresh["id"], blocked["id"], "no-such-customer"])
    assert {cid: r["status"] for cid, r in kept.items()} == {fresh["id"]: "active", blocked["id"]: "suspended"}
    assert kept[fresh["id"]]["email"] == fresh["email"]

    # The kept answer is as of the profile's updatedAt: the late customer.created (older) changes nothing, a
    # later customer.updated wins.
    async def deliver(event_type, status: str, occurred_at) -> None:
        event = event_type(customerId=blocked["id"], firstName="Ada", lastName="Lovelace", email=blocked["email"],
                           status=status, emailOptIn=True, smsOptIn=True, pushOptIn=False)
        envelope = Envelope.wrap(event, source="customers").model_copy(update={"occurred_at": occurred_at})
        await app.state.deps.runtime.transaction(
            lambda session: on_customer_contact(app.state.deps, event, envelope, session))
    as_of = kept[blocked["id"]]["asOf"]
    await deliver(contracts.CustomerCreated, "active", as_of - timedelta(seconds=1))
    assert (await recipients.get(blocked["id"]))["status"] == "suspended"
    await deliver(contracts.CustomerUpdated, "active", as_of + timedelta(seconds=1))
    assert (await recipients.get(blocked["id"]))["status"] == "active"


async def test_customers_unreachable_interrupts_the_fan_out_instead_of_skipping(campaigns_settings, sinks,
                                                                              amqp_url):
    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"error": {"code": "UNAVAILABLE", "message": "down"}})
    app = create_app(campaigns_settings, customers_transport=httpx.MockTransport(down))
    sinks.callbacks.app = app
    try:
        async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
            async with service_client(app, "http://campaigns") as campaigns:
                campaign = (await campaigns.post("/campaigns", json=email_campaign(
                    targetCustomers=["new-customer"]))).json()
                await campaigns.post(f"/campaigns/{campaign['id']}/send")

                async def stopped() -> bool:
                    return not [t for t in app.state.deps.background._tasks if t.get_name().startswith("fan-out")]
                await eventually(stopped, what="the fan-out gives up for now")
                doc = await app.state.deps.campaigns.get(campaign["id"])
                # Nothing recorded: the lease runs out and another run tries again, the customer is not skipped.
                assert (doc.status, doc.fanout.done) == ("sending", False)
                assert await app.state.deps.messages.collection.count_documents({}) == 0
    finally:
        await delete_work_queue(amqp_url, campaigns_settings.work_queue_name)


def _local(url: str) -> str:
    return url.removeprefix("http://campaigns")


def _without_address(page: dict) -> dict:
    return {**page, "items": [{k: v for k, v in item.items() if k != "to"} for item in page["items"]]}


async def test_deleting_a_customer_leaves_campaign_history_as_it_was(api, campaigns_api, campaigns_app, sinks):
    ada = await add_customer(api, campaigns_app)
    grace = await add_customer(api, campaigns_app)
    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(
        targetCustomers=[ada["id"], grace["id"]]))).json()
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "sent")
    [mail] = sinks.mails_to(ada["email"])
    await campaigns_api.get(_local(re.search(r'<img src="([^"]+)"', mail["html"]).group(1)))
    await campaigns_api.get(_local(re.search(r'href="(http://campaigns/t/c/[^"]+)"', mail["html"]).group(1)))

    async def history() -> tuple:
        metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
        listed = (await campaigns_api.get("/campaigns")).json()
        messages = (await campaigns_api.get(f"/campaigns/{campaign['id']}/recipients")).json()
        of_ada = (await campaigns_api.get("/messages", params={"customerIds": ada["id"]})).json()
        return metrics, listed, messages, of_ada
    before = await history()
    assert (before[0]["sent"], before[0]["opened"], before[0]["clicked"], before[0]["openRate"]) == (2, 1, 1, 0.5)
    stored = await campaigns_app.state.deps.messages.collection.find_one({"customerId": ada["id"]})

    assert (await api.delete(f"/customers/{ada['id']}")).status_code == 204
    recipients = campaigns_app.state.deps.recipients

    async def forgotten() -> bool:
        return await recipients.get(ada["id"]) is None
    await eventually(forgotten, what="the erasure (a delete erases) reaches campaigns")

    # Metrics and lists read the same; the messages stay with their statuses and times, without the address.
    after = await history()
    assert after[:2] == before[:2]
    assert _without_address(after[2]) == _without_address(before[2])
    assert _without_address(after[3][ada["id"]]) == _without_address(before[3][ada["id"]])
    assert [m["to"] for m in after[3][ada["id"]]["items"]] == [None]
    kept = await campaigns_app.state.deps.messages.collection.find_one({"customerId": ada["id"]})
    erased_fields = {"to", "providerAnswer", "links", "erasedAt"}
    assert {k: v for k, v in kept.items() if k not in erased_fields} == \
        {k: v for k, v in stored.items() if k not in erased_fields}
    assert (kept["to"], kept["links"], kept["providerAnswer"]) == (None, [], None)
    # Only a tombstone stays: no contact details, and a late, older snapshot can't bring the customer back.
    tombstone = await recipients.collection.find_one({"_id": ada["id"]})
    assert set(tombstone) == {"_id", "deleted", "erased", "asOf"}
    late = contracts.CustomerUpdated(customerId=ada["id"], firstName="Ada", lastName="Lovelace", email=ada["email"],
                                     status="active", emailOptIn=True, smsOptIn=True, pushOptIn=False)
    envelope = Envelope.wrap(late, source="customers").model_copy(
        update={"occurred_at": tombstone["asOf"] - timedelta(seconds=1)})
    deps = campaigns_app.state.deps
    await deps.runtime.transaction(lambda session: on_customer_contact(deps, late, envelope, session))
    assert await recipients.get(ada["id"]) is None

    # A later campaign skips the deleted customer as unknown, and the first campaign's numbers still don't move.
    again = (await campaigns_api.post("/campaigns", json=email_campaign(
        targetCustomers=[ada["id"], grace["id"]]))).json()
    await campaigns_api.post(f"/campaigns/{again['id']}/send")
    await wait_status(campaigns_api, again["id"], "sent")
    assert await skipped_reasons(campaigns_api, again["id"]) == {ada["id"]: "unknown_customer"}
    assert len(sinks.mails_to(ada["email"])) == 1
    assert (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json() == before[0]
