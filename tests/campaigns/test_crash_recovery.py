"""A send interrupted by a crash resumes after a restart without sending any message twice."""
import asyncio

from asgi_lifespan import LifespanManager

from services.campaigns.app import create_app
from tests.campaigns.conftest import add_customer, delete_work_queue, email_campaign, wait_status
from tests.conftest import eventually
from tests.support.http import service_client


async def test_send_interrupted_by_a_crash_resumes_without_a_duplicate(api, sinks, campaigns_settings,
                                                                       segments_transport, amqp_url):
    settings = campaigns_settings.model_copy(update={"send_concurrency": 1, "sending_stale_seconds": 1.0})
    first = create_app(settings, customers_transport=segments_transport)
    sinks.callbacks.app = first
    try:
        async with LifespanManager(first, startup_timeout=30, shutdown_timeout=30):
            people = [await add_customer(api, first) for _ in range(3)]
            async with service_client(first, "http://campaigns") as c:
                campaign = (await c.post("/campaigns", json=email_campaign(
                    targetCustomers=[p["id"] for p in people]))).json()
                sinks.mail.hold, sinks.mail.hold_after = asyncio.Event(), 1  # the second mail hangs in DATA
                await c.post(f"/campaigns/{campaign['id']}/send")

                async def second_in_flight() -> bool:
                    return sinks.mail.data_calls == 2
                await eventually(second_in_flight, what="the second mail in flight")
        # The process is gone mid-send (its in-flight send cancelled); the mail server recovers.
        sinks.mail.hold.set()
        sinks.mail.hold = None

        second = create_app(settings, customers_transport=segments_transport)
        sinks.callbacks.app = second
        async with LifespanManager(second, startup_timeout=30, shutdown_timeout=30):
            async with service_client(second, "http://campaigns") as c:
                done = await wait_status(c, campaign["id"], "sent")
                metrics = (await c.get(f"/campaigns/{campaign['id']}/metrics")).json()
                messages = (await c.get(f"/campaigns/{campaign['id']}/recipients")).json()["items"]
    finally:
        await delete_work_queue(amqp_url, settings.work_queue_name)

    received = [len(sinks.mails_to(p["email"])) for p in people]
    assert max(received) == 1, received  # nobody got it twice
    assert sorted(m["status"] for m in messages) == ["sent", "sent", "unknown"]
    assert (metrics["sent"], metrics["unknown"], metrics["pending"]) == (2, 1, 0)
    [interrupted] = [m for m in messages if m["status"] == "unknown"]
    assert interrupted["attempts"] == 1  # never tried again after the restart
    by_id = {p["id"]: p for p in people}
    for message in messages:
        if message["status"] == "sent":
            assert len(sinks.mails_to(by_id[message["customerId"]]["email"])) == 1
    assert done["status"] == "sent"
