"""Bad input gets a clear 4xx with code and field, and changes nothing."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.campaigns.conftest import add_customer, email_campaign, wait_status


async def _count(campaigns_api) -> int:
    return (await campaigns_api.get("/campaigns")).json()["total"]


@pytest.mark.parametrize("override, status, code, field", [
    ({"targetSegment": "no_such_segment"}, 422, "VALIDATION", "targetSegment"),
    ({"content": "   "}, 422, "VALIDATION", "content"),
    ({"type": "sms", "subject": "Hello"}, 422, "VALIDATION", "subject"),
    ({"content": "Hi {{ firstName "}, 422, "VALIDATION", "content"),
    ({"subject": "{% if %}"}, 422, "VALIDATION", "subject"),
    ({"content": "Hi {{ shoeSize }}"}, 422, "VALIDATION", "content"),
    ({"content": "{{ firstName.__class__.__mro__ }}"}, 422, "VALIDATION", "content"),
    ({"subject": None}, 422, "VALIDATION", "subject"),
    ({"targetCustomers": []}, 422, "VALIDATION", "targetSegment"),
    ({"type": "fax"}, 422, "VALIDATION", "type"),
    ({"colour": "red"}, 422, "VALIDATION", "colour"),
    ({"scheduledDate": "2020-01-01T00:00:00Z"}, 422, "VALIDATION", "scheduledDate"),
    ({"templateId": "nope"}, 404, "NOT_FOUND", "templateId"),
])
async def test_bad_campaigns_are_rejected_and_nothing_is_saved(campaigns_api, override, status, code, field):
    body = {**email_campaign(targetCustomers=["c1"]), **override}
    body = {k: v for k, v in body.items() if v is not None}
    response = await campaigns_api.post("/campaigns", json=body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]
    assert await _count(campaigns_api) == 0


async def test_schedule_in_the_past_and_resending_change_nothing(api, campaigns_api, campaigns_app, sinks):
    ada = await add_customer(api, campaigns_app)
    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(targetCustomers=[ada["id"]]))).json()
    past = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    response = await campaigns_api.post(f"/campaigns/{campaign['id']}/schedule", json={"scheduledDate": past})
    assert response.status_code == 422 and response.json()["error"]["field"] == "scheduledDate"
    naive = await campaigns_api.post(f"/campaigns/{campaign['id']}/schedule",
                                     json={"scheduledDate": "2999-01-01T10:00:00"})
    assert naive.status_code == 422 and naive.json()["error"]["field"] == "scheduledDate"
    assert (await campaigns_api.get(f"/campaigns/{campaign['id']}")).json()["status"] == "draft"

    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "sent")
    for action in ("send", "cancel"):
        again = await campaigns_api.post(f"/campaigns/{campaign['id']}/{action}")
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "CONFLICT" and again.json()["error"]["field"] == "status"
    edit = await campaigns_api.put(f"/campaigns/{campaign['id']}", json={"name": "Renamed"})
    assert edit.status_code == 409
    doc = (await campaigns_api.get(f"/campaigns/{campaign['id']}")).json()
    assert (doc["status"], doc["name"]) == ("sent", "Spring sale")
    assert len(sinks.mails_to(ada["email"])) == 1


async def test_update_with_a_broken_template_or_unknown_segment_changes_nothing(campaigns_api, segments):
    segments["vip"] = []
    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(targetSegment="vip"))).json()
    before = (await campaigns_api.get(f"/campaigns/{campaign['id']}")).json()
    for change, field in [({"content": "{% for x in %}"}, "content"), ({"targetSegment": "gone"}, "targetSegment"),
                          ({"type": "sms"}, "subject"), ({"content": None}, "content")]:
        response = await campaigns_api.put(f"/campaigns/{campaign['id']}", json=change)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["field"] == field
    assert (await campaigns_api.get(f"/campaigns/{campaign['id']}")).json() == before


async def test_sending_to_a_segment_deleted_since_creation_changes_nothing(campaigns_api, segments):
    segments["vip"] = ["c1"]
    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(targetSegment="vip"))).json()
    del segments["vip"]
    response = await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    assert response.status_code == 422 and response.json()["error"]["field"] == "targetSegment"
    assert (await campaigns_api.get(f"/campaigns/{campaign['id']}")).json()["status"] == "draft"
