"""Regressions for what the fuzzers found: each was a 500 (or a wrong document, or a wrong audience) before."""
import pytest
from graphql import GraphQLError

from gateway.http_errors import _with_code
from tests.customers.factories import customer_body

HUGE = str(2 ** 70)  # past MongoDB's 8-byte ints
# Valid timestamps that fall before year 1 or after 9999 once in UTC.
OUT_OF_UTC = ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+01:00"]


@pytest.mark.parametrize("path, params", [
    ("/customers", {"minOrders": HUGE}), ("/customers", {"maxOrders": HUGE}), ("/customers", {"minSpent": "1e30"}),
    ("/customers", {"minSpent": "0.001"}), ("/customers", {"maxSpent": "1e-30"}), ("/orders", {"offset": HUGE}),
    ("/activity", {"offset": HUGE}), ("/customers/x/orders", {"offset": HUGE}),
    ("/customers/x/activity", {"offset": HUGE}),
])
async def test_customers_filters_and_offsets_out_of_range_are_validation_errors(api, path, params):
    response = await api.get(path, params={"customerIds": "x", **params})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] in params


@pytest.mark.parametrize("body", [
    {"criteria": {"registrationDate": {"after": "0001-01-01T00:00:00+01:00"}}},
    {"criteria": {"lastPurchaseDate": {"before": "9999-12-31T23:59:59-05:00"}}},
    {"query": "registration_date >= 0001-01-01T00:00:00+01:00"}, {"query": "last_purchase < 9999-12-31T23:59-05:00"},
])
async def test_segment_dates_outside_utc_years_are_validation_errors(api, body):
    """Valid with their offset, but before year 1 or after 9999 in UTC: converting them overflowed."""
    for path, extra in (("/customer-segments/preview", {}), ("/customer-segments", {"name": "Edge"})):
        response = await api.post(path, json={**extra, **body})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["field"].split(".")[0] in body


@pytest.mark.parametrize("criteria", [{"not": {}}, {"or": [{}, {"tags": {"any": ["a"]}}]}, {"not": {"tags": None}},
                                      {"and": [{"not": {"or": [{}]}}]}])
async def test_empty_nested_segment_criteria_are_refused(api, criteria):
    """They were saved as `NOT ` or ` OR tags HAS "a"`, which don't parse: every later customer change was a 500."""
    response = await api.post("/customer-segments", json={"name": "Empty inside", "criteria": criteria})
    assert response.status_code == 422, response.text
    customer = (await api.post("/customers", json=customer_body())).json()
    assert (await api.delete(f"/customers/{customer['id']}")).status_code == 204


def _invalid(response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize("when", OUT_OF_UTC)
async def test_timestamps_without_a_utc_equivalent_are_validation_errors(api, loyalty_api, campaigns_api, when):
    customer = (await api.post("/customers", json=customer_body())).json()["id"]
    item = {"sku": "A", "name": "A", "quantity": 1, "unitPrice": 1}
    _invalid(await api.post("/customers", json=customer_body(registrationDate=when)), "registrationDate")
    _invalid(await api.post(f"/customers/{customer}/orders", json={"items": [item], "placedAt": when}), "placedAt")
    _invalid(await api.post(f"/customers/{customer}/activity", json={"kind": "login", "occurredAt": when}),
             "occurredAt")
    _invalid(await api.get("/customers", params={"registeredFrom": when}), "registeredFrom")
    program = {"name": "X", "type": "custom", "startDate": when, "endDate": when,
               "tiers": [{"name": "b", "minPoints": 0}]}
    _invalid(await loyalty_api.post("/loyalty-programs", json=program), "startDate")
    _invalid(await loyalty_api.put("/loyalty-programs/default", json={"endDate": when}), "endDate")
    _invalid(await loyalty_api.post("/loyalty/jobs/expire-points/run", json={"now": when}), "now")
    _invalid(await loyalty_api.get("/loyalty-programs/default/analytics", params={"to": when}), "to")
    campaign = {"name": "X", "type": "email", "subject": "s", "content": "c", "targetCustomers": ["a"]}
    _invalid(await campaigns_api.post("/campaigns", json={**campaign, "scheduledDate": when}), "scheduledDate")
    created = (await campaigns_api.post("/campaigns", json=campaign)).json()["id"]
    _invalid(await campaigns_api.post(f"/campaigns/{created}/schedule", json={"scheduledDate": when}),
             "scheduledDate")


@pytest.mark.parametrize("path", ["/loyalty/ledger", "/loyalty-programs",
                                  "/customers/x/loyalty/ledger"])
async def test_loyalty_offsets_out_of_range_are_validation_errors(loyalty_api, path):
    response = await loyalty_api.get(path, params={"offset": HUGE, "customerIds": "x"})
    assert response.status_code == 422, response.text


async def test_campaign_segments_that_are_no_single_path_segment_are_refused(api, campaigns_api):
    """`..` used to reach GET /customers (every customer became the audience); control characters were a 500."""
    await api.post("/customers", json=customer_body())
    body = {"name": "Sale", "type": "email", "subject": "Hi", "content": "Hello"}
    campaign = (await campaigns_api.post("/campaigns", json={**body, "targetCustomers": ["a"]})).json()
    for segment in ["..", ".", "a/b", "../customers", "x\by", "vip?limit=1", "vip#x", " "]:
        created = await campaigns_api.post("/campaigns", json={**body, "targetSegment": segment})
        updated = await campaigns_api.put(f"/campaigns/{campaign['id']}", json={"targetSegment": segment})
        for response in (created, updated):
            assert response.status_code == 422, (segment, response.text)
            assert response.json()["error"]["field"] == "targetSegment"


async def test_documents_name_the_content_types_and_error_bodies_answered(api, campaigns_api):
    customers = (await api.get("/openapi.json")).json()["paths"]
    assert "content" not in customers["/customers/{customer_id}/activity"]["post"]["responses"]["201"]
    campaigns = (await campaigns_api.get("/openapi.json")).json()["paths"]
    assert list(campaigns["/t/o/{token}.gif"]["get"]["responses"]["200"]["content"]) == ["image/gif"]
    invalid = customers["/customers"]["get"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert invalid == {"$ref": "#/components/schemas/ErrorEnvelope"}  # what a 422 answers, not FastAPI's shape


def test_a_gateway_error_without_a_code_gets_one_and_hides_python_text():
    crashed = GraphQLError("'Missing'", original_error=KeyError("Missing"))
    masked = _with_code(crashed)
    assert (masked.message, masked.extensions) == ("Unexpected error.", {"code": "INTERNAL"})
    refused = _with_code(GraphQLError("Unknown fragment 'A'."))
    assert (refused.message, refused.extensions) == ("Unknown fragment 'A'.", {"code": "GRAPHQL_VALIDATION_FAILED"})
    coded = GraphQLError("no", extensions={"code": "NOT_FOUND"})
    assert _with_code(coded) is coded
