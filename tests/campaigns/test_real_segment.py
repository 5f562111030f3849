"""The spec's targetSegment "new_customers" resolved by the real customers service (pre-built segment)."""
import httpx
from asgi_lifespan import LifespanManager

from services.campaigns.app import create_app
from tests.campaigns.conftest import add_customer, delete_work_queue, email_campaign, wait_status
from tests.support.http import service_client


async def test_new_customers_segment_from_the_customers_service(api, customers_app, sinks, campaigns_settings,
                                                                amqp_url):
    app = create_app(campaigns_settings, customers_transport=httpx.ASGITransport(app=customers_app))
    sinks.callbacks.app = app
    try:
        async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
            ada = await add_customer(api, app)
            async with service_client(app, "http://campaigns") as c:
                unknown = await c.post("/campaigns", json=email_campaign(targetSegment="no_such_segment"))
                assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "targetSegment"
                campaign = (await c.post("/campaigns", json=email_campaign(targetSegment="new_customers"))).json()
                assert (await c.post(f"/campaigns/{campaign['id']}/send")).status_code == 202
                await wait_status(c, campaign["id"], "sent")
    finally:
        await delete_work_queue(amqp_url, campaigns_settings.work_queue_name)
    assert len(sinks.mails_to(ada["email"])) == 1
