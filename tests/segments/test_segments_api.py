"""/customer-segments: pre-built segments, create by criteria or query, id or slug, members, preview, bad input."""
import pytest

from tests.customers.factories import customer_body
from tests.segments.helpers import count_of, wait_ready


def _snapshot(listing: dict) -> list:
    # Everything a bad request could have changed (state moves on its own as pre-built segments finish building).
    return [(s["id"], s["slug"], s["name"], s["description"], s["criteria"], s["query"], s["customerCount"],
             s["updatedAt"]) for s in listing["items"]] + [listing["total"]]


PREBUILT = {"frequent_buyers", "high_value", "inactive", "vip", "new_customers"}


async def _spend(api, customer_id: str, amount: float) -> None:
    item = {"sku": "X", "name": "Thing", "quantity": 1, "unitPrice": amount}
    assert (await api.post(f"/customers/{customer_id}/orders", json={"items": [item]})).status_code == 201


async def test_fresh_system_has_the_prebuilt_segments_and_their_thresholds_are_editable(api):
    listed = (await api.get("/customer-segments")).json()
    assert {s["slug"] for s in listed["items"]} == PREBUILT and listed["total"] == 5
    new = (await api.get("/customer-segments/new_customers")).json()
    assert new["criteria"] == {"registrationDate": {"withinDays": 30}} and new["builtIn"] and new["timeBased"]
    edited = await api.put("/customer-segments/high_value", json={"criteria": {"totalSpent": {"min": 250}}})
    assert edited.status_code == 200 and edited.json()["query"] == "total_spent >= 250"
    assert (await api.get(f"/customer-segments/{edited.json()['id']}")).json()["slug"] == "high_value"
    refused = await api.delete("/customer-segments/vip")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "CONFLICT"


async def test_spec_example_segment_counts_and_lists_its_customers(api):
    rich = (await api.post("/customers", json=customer_body(firstName="Rich"))).json()["id"]
    poor = (await api.post("/customers", json=customer_body(firstName="Poor"))).json()["id"]
    await _spend(api, rich, 612.5)
    await _spend(api, poor, 20)
    response = await api.post("/customer-segments", json={
        "name": "High Value Customers", "description": "Customers who spent $500+",
        "criteria": {"totalSpent": {"min": 500}}})
    assert response.status_code == 201, response.text
    segment = response.json()
    assert segment["slug"] == "high_value_customers" and segment["query"] == "total_spent >= 500"
    ready = await wait_ready(api, segment["id"])
    assert ready["customerCount"] == 1
    members = (await api.get("/customer-segments/high_value_customers/customers")).json()
    assert [c["id"] for c in members["items"]] == [rich] and members["total"] == 1
    assert members["items"][0]["totalSpent"] == 612.5


async def test_a_segment_can_be_written_as_a_query_and_edited(api):
    ids = [(await api.post("/customers", json=customer_body(tags=tags))).json()["id"]
           for tags in (["vip"], ["vip", "churned"], [])]
    created = (await api.post("/customer-segments", json={
        "name": "Loyal VIPs", "slug": "loyal_vips", "query": 'tags HAS "vip" AND tags HAS NONE ("churned")'})).json()
    assert created["criteria"] == {"tags": {"any": ["vip"], "none": ["churned"]}}
    assert (await wait_ready(api, "loyal_vips"))["customerCount"] == 1
    updated = await api.put("/customer-segments/loyal_vips", json={"query": "tags HAS vip", "name": "All VIPs"})
    assert updated.json()["name"] == "All VIPs" and updated.json()["slug"] == "loyal_vips"
    assert (await wait_ready(api, "loyal_vips"))["customerCount"] == 2
    page = (await api.get("/customer-segments/loyal_vips/customers", params={"limit": 1, "offset": 1})).json()
    assert len(page["items"]) == 1 and page["total"] == 2 and page["items"][0]["id"] in ids[:2]
    assert (await api.delete("/customer-segments/loyal_vips")).status_code == 204
    assert (await api.get("/customer-segments/loyal_vips")).status_code == 404


async def test_preview_counts_and_samples_without_saving(api):
    for tier_tags in (["vip"], ["vip"], []):
        await api.post("/customers", json=customer_body(tags=tier_tags))
    response = await api.post("/customer-segments/preview", json={"query": "tags HAS vip", "sampleSize": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and len(body["sample"]) == 1 and body["criteria"] == {"tags": {"any": ["vip"]}}
    by_criteria = (await api.post("/customer-segments/preview", json={"criteria": {"tags": {"none": ["vip"]}}})).json()
    assert by_criteria["count"] == 1 and by_criteria["query"] == 'tags HAS NONE ("vip")'
    assert (await api.get("/customer-segments")).json()["total"] == 5


@pytest.mark.parametrize("body,status,code,field", [
    ({"name": "X", "criteria": {"totalSpend": {"min": 5}}}, 422, "VALIDATION", "criteria.totalSpend"),
    ({"name": "X", "criteria": {"totalSpent": {"min": "lots"}}}, 422, "VALIDATION", "criteria.totalSpent.min"),
    ({"name": "X", "criteria": {"loyaltyTier": "gold"}}, 422, "VALIDATION", "criteria.loyaltyTier"),
    ({"name": "", "criteria": {"totalSpent": {"min": 5}}}, 422, "VALIDATION", "name"),
    ({"name": "   ", "query": "total_spent >= 5"}, 422, "VALIDATION", "name"),
    ({"criteria": {"totalSpent": {"min": 5}}}, 422, "VALIDATION", "name"),
    ({"name": "X", "slug": "vip", "query": "total_spent >= 5"}, 409, "CONFLICT", "slug"),
    ({"name": "VIP", "slug": "Bad Slug!", "query": "total_spent >= 5"}, 422, "VALIDATION", "slug"),
    ({"name": "X", "query": "total_spent >= lots"}, 422, "VALIDATION", "query"),
    ({"name": "X", "query": "total_spent >= 5", "criteria": {"totalSpent": {"min": 5}}}, 422, "VALIDATION", None),
    ({"name": "X", "query": "total_spent >= 5", "owner": "me"}, 422, "VALIDATION", "owner"),
])
async def test_bad_input_gets_a_clear_error_and_changes_nothing(api, body, status, code, field):
    before = _snapshot((await api.get("/customer-segments")).json())
    response = await api.post("/customer-segments", json=body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    if field:
        assert error["field"] == field, error
    assert _snapshot((await api.get("/customer-segments")).json()) == before


async def test_malformed_query_error_names_position_and_expectation(api):
    response = await api.post("/customer-segments", json={"name": "X", "query": "loyalty_tier IN (gold, diamond)"})
    error = response.json()["error"]
    assert response.status_code == 422 and error["field"] == "query"
    assert error["message"].startswith("at position 24:") and "diamond" in error["message"]
    assert error["details"][0]["position"] == 24


async def test_bad_updates_change_nothing(api):
    original = _snapshot({"items": [(await api.get("/customer-segments/vip")).json()], "total": 1})
    for body, field in (({"criteria": {"tags": "vip"}}, "criteria.tags"), ({"query": "tags HAS"}, "query"),
                        ({"name": ""}, "name"), ({"slug": "other"}, "slug")):
        response = await api.put("/customer-segments/vip", json=body)
        assert response.status_code == 422 and response.json()["error"]["field"] == field, response.text
    assert _snapshot({"items": [(await api.get("/customer-segments/vip")).json()], "total": 1}) == original
    missing = await api.put("/customer-segments/nope", json={"name": "Y"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    assert await count_of(api, "vip") == 0
