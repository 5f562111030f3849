"""The audit trail: every mutation through the gateway leaves one record naming who did what to which ids, from
where and how it ended; the staff member is named in the ledger and the timeline too."""
import json

import pytest

from gateway.audit.records import REDACTED, safe_input, target_ids
from gateway.auth.roles import Role
from tests.conftest import eventually
from tests.gateway.test_customers_graph import CREATE, customer_input
from tests.loyalty.support import consuming

AUDIT = """query($filter: AuditFilter, $first: Int = 50, $after: String) {
  auditLog(first: $first, after: $after, filter: $filter) { totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id at operation outcome error targetIds input operationName ip userAgent requestId
                   actor { subject role via name email apiKeyId } } } } }"""
ADD = """mutation Goodwill($id: ID!) {
  addLoyaltyPoints(customerId: $id, points: 100, reason: "Late parcel") { points } }"""
STAFF = "ana@joantees.example"


@pytest.fixture
def graphql_as_staff(graphql_as):
    """graphql_as_staff(subject, role)(query, **variables): signed in as that person, from a user agent of its own
    and with the request id `req-audit-1`."""
    def as_staff(subject: str, role: Role):
        return graphql_as(role, subject, {"user-agent": "audit-test/1.0", "x-request-id": "req-audit-1"})
    return as_staff


async def _customer(graphql, customers_app, loyalty_app, loyalty_api) -> str:
    await consuming(customers_app, loyalty_app)
    customer_id = (await graphql(CREATE, input=customer_input(email="audited@example.com")))["data"][
        "createCustomer"]["id"]

    async def known() -> bool:
        return (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).status_code == 200
    await eventually(known, what="loyalty to learn of the customer")
    return customer_id


async def test_a_manual_credit_names_the_staff_member_in_the_audit_log_the_ledger_and_the_timeline(
        graphql, graphql_as_staff, customers_app, loyalty_app, loyalty_api):
    customer_id = await _customer(graphql, customers_app, loyalty_app, loyalty_api)
    credited = await graphql_as_staff(STAFF, Role.support)(ADD, id=customer_id)
    assert credited["data"]["addLoyaltyPoints"]["points"] == 100

    log = (await graphql(AUDIT, filter={"actor": STAFF}))["data"]["auditLog"]
    assert log["totalCount"] == 1
    record = log["edges"][0]["node"]
    assert record["operation"] == "addLoyaltyPoints" and record["outcome"] == "ok" and record["error"] is None
    assert record["actor"]["subject"] == STAFF and record["actor"]["role"] == "support"
    assert record["actor"]["via"] == "token" and record["actor"]["apiKeyId"] is None
    assert record["targetIds"] == [customer_id]
    assert record["input"] == {"customerId": customer_id, "points": 100, "reason": "Late parcel"}
    assert (record["operationName"], record["userAgent"], record["requestId"]) == ("Goodwill", "audit-test/1.0",
                                                                                    "req-audit-1")
    assert record["ip"]
    by_target = (await graphql(AUDIT, filter={"targetId": customer_id}))["data"]["auditLog"]
    assert {e["node"]["operation"] for e in by_target["edges"]} == {"createCustomer", "addLoyaltyPoints"}

    ledger = await graphql("""query($id: ID!) { customer(id: $id) { loyalty { ledger(first: 5) {
        edges { node { kind points reason actor { subject role } } } } } } }""", id=customer_id)
    entries = [e["node"] for e in ledger["data"]["customer"]["loyalty"]["ledger"]["edges"]]
    assert entries == [{"kind": "adjust", "points": 100, "reason": "Late parcel",
                        "actor": {"subject": STAFF, "role": "support"}}]

    timeline = """query($id: ID!) { customer(id: $id) { activity(first: 20) { edges { node {
        type summary actor { subject role } } } } } }"""

    async def credit_on_timeline() -> bool:
        nodes = [e["node"] for e in (await graphql(timeline, id=customer_id))["data"]["customer"]["activity"]["edges"]]
        return any(n["actor"] == {"subject": STAFF, "role": "support"} and "100" in n["summary"] for n in nodes)
    await eventually(credit_on_timeline, what="the credit on the timeline, naming the staff member")
    # The event the credit published carries the actor, so every consumer can name them.
    published = await loyalty_app.state.runtime.outbox.collection.find_one({"routingKey": "loyalty.points.changed"})
    envelope = json.loads(published["body"])
    assert envelope["actor"] == {"subject": STAFF, "role": "support", "via": "token"}
    assert envelope["correlationId"] == "req-audit-1"


async def test_refused_and_failed_mutations_are_recorded_with_their_code(graphql, graphql_as_staff):
    viewer = graphql_as_staff("vic@joantees.example", Role.viewer)
    refused = await viewer('mutation { deleteCustomer(id: "someone") { deleted } }')
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    failed = await graphql_as_staff(STAFF, Role.admin)('mutation { deleteCustomer(id: "nobody") { deleted } }')
    assert failed["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    anonymous_records_before = (await graphql(AUDIT, filter={"operation": "deleteCustomer"}))["data"]["auditLog"]

    records = {e["node"]["actor"]["subject"]: e["node"] for e in anonymous_records_before["edges"]}
    assert records["vic@joantees.example"]["outcome"] == "FORBIDDEN"
    assert records["vic@joantees.example"]["targetIds"] == ["someone"]
    assert records[STAFF]["outcome"] == "NOT_FOUND" and records[STAFF]["targetIds"] == ["nobody"]


async def test_only_admins_read_the_audit_log_and_queries_leave_no_record(graphql, graphql_as):
    for role in (Role.marketer, Role.support, Role.viewer):
        result = await graphql_as(role)(AUDIT)
        assert result["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "Query.auditLog",
                                                     "permission": "audit:read"}
    await graphql("{ customers(first: 1) { totalCount } }")
    assert (await graphql(AUDIT))["data"]["auditLog"]["totalCount"] == 0


async def test_pages_follow_a_cursor_newest_first_and_filters_by_time(graphql):
    for n in range(5):
        await graphql('mutation($id: ID!) { deleteSegment(id: $id) { deleted } }', id=f"missing-{n}")
    first = (await graphql(AUDIT, first=2))["data"]["auditLog"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"] is True
    seen = [e["node"]["targetIds"][0] for e in first["edges"]]
    after = first["pageInfo"]["endCursor"]
    await graphql('mutation { deleteSegment(id: "newer") { deleted } }')  # a record arriving meanwhile
    rest = (await graphql(AUDIT, first=10, after=after))["data"]["auditLog"]
    seen += [e["node"]["targetIds"][0] for e in rest["edges"]]
    assert seen == [f"missing-{n}" for n in reversed(range(5))]
    newest = (await graphql(AUDIT, first=1))["data"]["auditLog"]["edges"][0]["node"]
    window = (await graphql(AUDIT, filter={"from": newest["at"], "to": newest["at"]}))["data"]["auditLog"]
    assert [e["node"]["id"] for e in window["edges"]] == [newest["id"]]
    bad = await graphql(AUDIT, after="not-a-cursor")
    assert bad["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "after"}
    backwards = await graphql(AUDIT, filter={"from": "2030-01-02T00:00:00Z", "to": "2030-01-01T00:00:00Z"})
    assert backwards["errors"][0]["extensions"]["code"] == "VALIDATION"


async def test_an_api_key_is_named_by_its_id(graphql, gateway_http):
    created = (await graphql('mutation { createApiKey(name: "Storefront", role: support) { key apiKey { id } } }'))[
        "data"]["createApiKey"]
    response = await gateway_http.post("/graphql", headers={"x-api-key": created["key"]}, json={
        "query": 'mutation { recordInteraction(customerId: "nobody", input: {kind: login}) }'})
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    log = (await graphql(AUDIT, filter={"operation": "recordInteraction"}))["data"]["auditLog"]
    actor = log["edges"][0]["node"]["actor"]
    assert actor == {"subject": f"api-key:{created['apiKey']['id']}", "role": "support", "via": "api-key",
                     "name": "Storefront", "email": None, "apiKeyId": created["apiKey"]["id"]}
    # The plaintext key, returned by createApiKey, never lands in its own audit record.
    creation = (await graphql(AUDIT, filter={"operation": "createApiKey"}))["data"]["auditLog"]["edges"][0]["node"]
    assert created["key"] not in str(creation)


def test_kept_input_drops_secrets_and_cuts_long_text():
    kept = safe_input({"password": "hunter2", "input": {"apiToken": "t", "note": "x" * 5000, "tags": list(range(80))},
                       "idempotencyKey": "k-1"})
    assert kept["password"] == REDACTED and kept["input"]["apiToken"] == REDACTED
    assert kept["idempotencyKey"] == "k-1"
    assert len(kept["input"]["note"]) < 260 and kept["input"]["note"].endswith("(5000 characters)")
    assert len(kept["input"]["tags"]) == 51 and kept["input"]["tags"][-1] == "... 30 more"


def test_target_ids_come_from_arguments_at_any_depth_and_from_the_result():
    assert target_ids({"segmentId": "s1", "input": {"campaignId": "c1", "action": "target_campaign"}},
                      {"id": "job-1", "segmentId": "s1"}) == ["s1", "c1", "job-1"]
    assert target_ids({"input": {"email": "new@example.com"}}, {"id": "cust-9"}) == ["cust-9"]


async def test_a_status_change_names_the_staff_member_on_the_timeline(graphql, graphql_as_staff):
    customer_id = (await graphql(CREATE, input=customer_input(email="paused@example.com")))["data"][
        "createCustomer"]["id"]
    changed = await graphql_as_staff(STAFF, Role.support)(
        'mutation($id: ID!) { updateCustomer(id: $id, input: {status: suspended}) { status } }', id=customer_id)
    assert changed["data"]["updateCustomer"]["status"] == "suspended"
    timeline = await graphql("""query($id: ID!) { customer(id: $id) { activity(first: 10) { edges { node {
        type data actor { subject role } } } } } }""", id=customer_id)
    entries = [e["node"] for e in timeline["data"]["customer"]["activity"]["edges"]]
    [change] = [e for e in entries if e["type"] == "profile.updated"]
    assert "status" in change["data"]["fields"] and change["actor"] == {"subject": STAFF, "role": "support"}
    created = [e for e in entries if e["type"] != "profile.updated"]
    assert all(e["actor"]["subject"] == "test-admin" for e in created), created  # made by the admin's request
