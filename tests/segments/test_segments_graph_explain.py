"""Through the gateway: Segment.explain(customerId), Segment.changes(first, after, since) and
previewSegmentChange, with coded errors."""
from gateway.auth.roles import Role
from tests.conftest import eventually
from tests.customers.factories import customer_body

CLAUSE = "kind text holds field operator expected actual cutoff"
EXPLAIN = f"""query($id: ID!, $customer: ID!) {{ segment(id: $id) {{ explain(customerId: $customer) {{
    customerId member matches query result {{ {CLAUSE} clauses {{ {CLAUSE} clauses {{ {CLAUSE} }} }} }} }} }} }}"""
CHANGES = """query($id: ID!, $first: Int!, $after: String, $since: DateTime) { segment(id: $id) {
    changes(first: $first, after: $after, since: $since) {
      edges { cursor node { customerId change at clause clauses cause } }
      pageInfo { hasNextPage endCursor } } } }"""


async def _ready(graphql, slug: str) -> None:
    async def ready() -> bool:
        found = await graphql("query($id: ID!) { segment(id: $id) { state } }", id=slug)
        return found["data"]["segment"]["state"] == "ready"

    await eventually(ready, 20, f"{slug} ready")


async def test_explain_and_changes_in_the_graph(graphql, graphql_as, api):
    created = await graphql("""mutation { createSegment(input: {name: "Vip gold",
        query: "tags HAS \\"vip\\" AND (loyalty_tier = gold OR total_orders >= 3)"}) { id } }""")
    assert "errors" not in created, created
    await _ready(graphql, "vip_gold")
    customer = (await api.post("/customers", json=customer_body(tags=["vip"]))).json()["id"]

    explained = await graphql_as(Role.viewer)(EXPLAIN, id="vip_gold", customer=customer)
    assert "errors" not in explained, explained
    found = explained["data"]["segment"]["explain"]
    assert (found["member"], found["matches"], found["customerId"]) == (False, False, customer)
    tag, group = found["result"]["clauses"]
    assert (tag["text"], tag["holds"], tag["actual"]) == ('tags HAS "vip"', True, ["vip"])
    assert (group["kind"], group["holds"]) == ("or", False)
    assert [(c["field"], c["operator"], c["expected"], c["actual"], c["holds"]) for c in group["clauses"]] == [
        ("loyalty_tier", "IN", ["gold"], "bronze", False), ("total_orders", ">=", 3, 0, False)]

    for _ in range(3):
        item = {"sku": "X", "name": "Thing", "quantity": 1, "unitPrice": 5}
        assert (await api.post(f"/customers/{customer}/orders", json={"items": [item]})).status_code == 201
    await api.put(f"/customers/{customer}", json={"tags": []})

    page = (await graphql(CHANGES, id="vip_gold", first=1))["data"]["segment"]["changes"]
    [left] = [e["node"] for e in page["edges"]]
    assert (left["customerId"], left["change"], left["clause"], left["cause"]) == (customer, "left",
                                                                                   'tags HAS "vip"', "customer")
    assert page["pageInfo"]["hasNextPage"]
    older = (await graphql(CHANGES, id="vip_gold", first=5, after=page["pageInfo"]["endCursor"]))
    [entered] = [e["node"] for e in older["data"]["segment"]["changes"]["edges"]]
    assert entered["change"] == "entered" and entered["clauses"] == ['tags HAS "vip"', "total_orders >= 3"]
    recent = await graphql(CHANGES, id="vip_gold", first=5, since=left["at"])
    assert [e["node"]["change"] for e in recent["data"]["segment"]["changes"]["edges"]] == ["left"]


async def test_preview_segment_change_in_the_graph(graphql, api):
    vip = (await api.post("/customers", json=customer_body(tags=["vip"]))).json()["id"]
    other = (await api.post("/customers", json=customer_body(tags=["other"]))).json()["id"]
    await _ready(graphql, "vip")
    found = await graphql("""query { previewSegmentChange(id: "vip", query: "tags HAS \\"other\\"") {
        query count currentCount staying joining { count sample { id } } leaving { count sample { id } } } }""")
    assert "errors" not in found, found
    preview = found["data"]["previewSegmentChange"]
    assert (preview["count"], preview["currentCount"], preview["staying"]) == (1, 1, 0)
    assert preview["joining"] == {"count": 1, "sample": [{"id": other}]}
    assert preview["leaving"] == {"count": 1, "sample": [{"id": vip}]}


async def test_bad_input_in_the_graph_is_a_coded_error(graphql):
    bad = await graphql('query { previewSegmentChange(id: "vip", query: "churn_risk > 2") { count } }')
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION", bad
    assert bad["errors"][0]["extensions"]["field"] == "query"
    missing = await graphql(EXPLAIN, id="vip", customer="nobody")
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND", missing
    assert (await graphql(CHANGES, id="vip", first=0))["errors"][0]["extensions"]["field"] == "first"
    cursor = await graphql(CHANGES, id="vip", first=5, after="junk")
    assert cursor["errors"][0]["extensions"] == {**cursor["errors"][0]["extensions"], "code": "VALIDATION",
                                                 "field": "after"}
