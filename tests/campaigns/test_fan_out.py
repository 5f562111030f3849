"""The fan-out finishes while the first sends of the same campaign are being settled, and resumes work items it
recorded but never handed to the broker; every recipient gets the campaign exactly once."""
import asyncio
from datetime import datetime, timezone

from asgi_lifespan import LifespanManager

from services.campaigns.app import create_app
from shared.bus.publisher import PublishFailed
from tests.campaigns.conftest import delete_work_queue, email_campaign, wait_status
from tests.conftest import eventually
from tests.support.http import service_client


async def add_recipients(app, count: int) -> list[str]:
    """Customers straight into the recipient read model (what customer.created would leave there)."""
    ids = [f"fan{i:03d}" for i in range(count)]
    await app.state.deps.recipients.collection.insert_many([
        {"_id": i, "firstName": "Ada", "lastName": "Lovelace", "email": f"{i}@example.com", "emailOptIn": True,
         "smsOptIn": False, "asOf": datetime.now(timezone.utc)} for i in ids])
    return ids


async def test_fan_out_finishes_while_a_settle_of_its_sends_is_open(campaigns_api, campaigns_app, sinks, segments):
    # A small audience is one chunk: the broker hands its work items to the workers while the fan-out is still
    # busy with that chunk. SecantusDB settles take a few hundred ms, so a settle transaction holding some of
    # those messages is open at that moment; the fan-out must not need them (it once waited on them for good).
    deps = campaigns_app.state.deps
    segments["small"] = await add_recipients(campaigns_app, 40)
    settle_open, release = asyncio.Event(), asyncio.Event()
    settle, publish = deps.messages.settle, deps.work.publish

    async def held_settle(outcomes, session):
        settled = await settle(outcomes, session)
        if not release.is_set():
            settle_open.set()
            await release.wait()  # its transaction stays open with these messages written
        return settled

    async def publish_then_let_a_settle_start(items):
        await publish(items)
        await asyncio.wait_for(settle_open.wait(), 10)

    deps.messages.settle, deps.work.publish = held_settle, publish_then_let_a_settle_start
    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(targetSegment="small"))).json()
    assert (await campaigns_api.post(f"/campaigns/{campaign['id']}/send")).status_code == 202
    try:
        async def fanned_out() -> bool:
            return (await deps.campaigns.collection.find_one({"_id": campaign["id"]}))["fanout"]["done"]
        await eventually(fanned_out, timeout=15, what="the fan-out to finish while a settle is open")
    finally:
        release.set()

    await wait_status(campaigns_api, campaign["id"], "sent", timeout=30)
    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert (metrics["targeted"], metrics["sent"], metrics["pending"], metrics["unknown"]) == (40, 40, 0, 0)
    assert sorted(len(sinks.mails_to(f"{i}@example.com")) for i in segments["small"]) == [1] * 40


async def test_fan_out_stopped_before_handing_its_work_to_the_broker_is_resumed(
        sinks, segments, campaigns_settings, segments_transport, amqp_url):
    settings = campaigns_settings.model_copy(update={"fanout_lease_seconds": 1.0})
    app = create_app(settings, customers_transport=segments_transport)
    sinks.callbacks.app = app
    try:
        async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
            deps = app.state.deps
            segments["small"] = await add_recipients(app, 12)
            publish, calls = deps.work.publish, []

            async def broker_gone_once(items):
                calls.append(len(items))
                if len(calls) == 1:
                    raise PublishFailed("broker unreachable")  # the messages are recorded, their work items not
                await publish(items)

            deps.work.publish = broker_gone_once
            async with service_client(app, "http://campaigns") as api:
                campaign = (await api.post("/campaigns", json=email_campaign(targetSegment="small"))).json()
                await api.post(f"/campaigns/{campaign['id']}/send")
                await wait_status(api, campaign["id"], "sent", timeout=30)
                metrics = (await api.get(f"/campaigns/{campaign['id']}/metrics")).json()
            stored = await deps.campaigns.collection.find_one({"_id": campaign["id"]})
    finally:
        await delete_work_queue(amqp_url, settings.work_queue_name)

    assert calls[0] == 12 and len(calls) >= 2  # resumed by the scheduler once the lease ran out
    assert stored["fanout"]["owner"].startswith(deps.owner) and stored["starts"] == 1
    assert (metrics["targeted"], metrics["queued"], metrics["sent"], metrics["pending"]) == (12, 12, 12, 0)
    assert sorted(len(sinks.mails_to(f"{i}@example.com")) for i in segments["small"]) == [1] * 12
