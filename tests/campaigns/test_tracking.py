"""Opening and clicking move the metrics once per message and reach the customer's timeline."""
import re

from tests.campaigns.conftest import add_customer, email_campaign, wait_status
from tests.conftest import eventually


def _local(url: str) -> str:
    return url.removeprefix("http://campaigns")


async def test_open_and_click_move_the_metrics(api, campaigns_api, campaigns_app, sinks):
    ada = await add_customer(api, campaigns_app)
    grace = await add_customer(api, campaigns_app)
    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(
        targetCustomers=[ada["id"], grace["id"]]))).json()
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "sent")
    [mail] = sinks.mails_to(ada["email"])
    pixel = re.search(r'<img src="([^"]+)"', mail["html"]).group(1)
    click = re.search(r'href="(http://campaigns/t/c/[^"]+)"', mail["html"]).group(1)

    for _ in range(2):  # a second open counts nothing more
        opened = await campaigns_api.get(_local(pixel))
        assert opened.status_code == 200 and opened.headers["content-type"] == "image/gif"
    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert (metrics["opened"], metrics["openRate"], metrics["clicked"]) == (1, 0.5, 0)

    redirect = await campaigns_api.get(_local(click))
    assert redirect.status_code == 302 and redirect.headers["location"] == "https://joantees.example/sale"
    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert (metrics["opened"], metrics["clicked"], metrics["clickRate"]) == (1, 1, 0.5)
    listed = (await campaigns_api.get("/campaigns")).json()["items"][0]
    assert (listed["openRate"], listed["clickRate"]) == (0.5, 0.5)

    tampered = _local(click)[:-3] + "abc"
    assert (await campaigns_api.get(tampered)).status_code == 404
    assert (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()["clicked"] == 1

    async def on_timeline() -> bool:
        kinds = {i["type"] for i in (await api.get(f"/customers/{ada['id']}/activity")).json()["items"]}
        return {"campaign.sent", "campaign.opened", "campaign.clicked"} <= kinds
    await eventually(on_timeline, what="sent, opened and clicked on the timeline")
