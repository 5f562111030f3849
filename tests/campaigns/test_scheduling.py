"""A scheduled campaign fires exactly once with two schedulers (two replicas) running; cancel and reschedule."""
from datetime import datetime, timedelta, timezone

from asgi_lifespan import LifespanManager

from services.campaigns.app import create_app
from tests.campaigns.conftest import add_customer, email_campaign, wait_status


def _soon(seconds: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).isoformat()


async def test_scheduled_campaign_fires_exactly_once_with_two_schedulers(api, campaigns_api, campaigns_app, sinks,
                                                                        campaigns_settings, segments_transport):
    ada = await add_customer(api, campaigns_app)
    grace = await add_customer(api, campaigns_app)
    replica = create_app(campaigns_settings, customers_transport=segments_transport)
    async with LifespanManager(replica, startup_timeout=30, shutdown_timeout=30):
        campaign = (await campaigns_api.post("/campaigns", json=email_campaign(
            targetCustomers=[ada["id"], grace["id"]], scheduledDate=_soon(1.0)))).json()
        assert campaign["status"] == "scheduled"
        done = await wait_status(campaigns_api, campaign["id"], "sent")
    stored = await campaigns_app.state.deps.campaigns.get(campaign["id"])
    assert stored.starts == 1
    assert done["startedAt"] >= campaign["scheduledDate"][:19]
    assert len(sinks.mails_to(ada["email"])) == 1 and len(sinks.mails_to(grace["email"])) == 1


async def test_cancel_and_reschedule_before_it_starts(api, campaigns_api, campaigns_app, sinks):
    ada = await add_customer(api, campaigns_app)
    cancelled = (await campaigns_api.post("/campaigns", json=email_campaign(
        targetCustomers=[ada["id"]], scheduledDate=_soon(0.8)))).json()
    assert (await campaigns_api.post(f"/campaigns/{cancelled['id']}/cancel")).json()["status"] == "cancelled"

    moved = (await campaigns_api.post("/campaigns", json=email_campaign(
        targetCustomers=[ada["id"]], scheduledDate=_soon(3600)))).json()
    later = _soon(1.0)
    rescheduled = await campaigns_api.post(f"/campaigns/{moved['id']}/schedule", json={"scheduledDate": later})
    assert rescheduled.status_code == 200 and rescheduled.json()["status"] == "scheduled"
    await wait_status(campaigns_api, moved["id"], "sent")
    assert (await campaigns_api.get(f"/campaigns/{cancelled['id']}")).json()["status"] == "cancelled"
    assert len(sinks.mails_to(ada["email"])) == 1
