"""Segments through the gateway: the spec's createSegment example as written, segment(id or slug) with members,
preview, edit, delete, bulk action with progress, and coded errors."""
from tests.conftest import eventually
from tests.customers.factories import customer_body

SEGMENT = "id slug name description criteria query customerCount state builtIn"


async def _spend(api, customer_id: str, amount: float) -> None:
    item = {"sku": "X", "name": "Thing", "quantity": 1, "unitPrice": amount}
    assert (await api.post(f"/customers/{customer_id}/orders", json={"items": [item]})).status_code == 201


async def test_spec_create_segment_example_works_as_written(graphql, api, customers_transport):
    rich = (await api.post("/customers", json=customer_body())).json()["id"]
    await _spend(api, rich, 700)
    await api.post("/customers", json=customer_body())
    created = await graphql(f"""mutation {{
      createSegment(input: {{ name: "High Value Customers", description: "Customers who spent $500+",
                             criteria: {{ totalSpent: {{ min: 500 }} }} }}) {{ {SEGMENT} }} }}""")
    assert "errors" not in created, created
    segment = created["data"]["createSegment"]
    assert segment["criteria"] == {"totalSpent": {"min": 500}} and segment["query"] == "total_spent >= 500"
    query = f"""query($id: ID!) {{ segment(id: $id) {{ {SEGMENT}
                  customers(first: 10) {{ totalCount edges {{ node {{ id totalSpent }} }} }} }} }}"""

    async def counted() -> bool:
        found = (await graphql(query, id="high_value_customers"))["data"]["segment"]
        return found["state"] == "ready" and found["customerCount"] == 1

    await eventually(counted, 20, "segment counted")
    by_id = (await graphql(query, id=segment["id"]))["data"]["segment"]
    assert by_id["slug"] == "high_value_customers"
    assert by_id["customers"]["totalCount"] == 1
    assert by_id["customers"]["edges"][0]["node"] == {"id": rich, "totalSpent": 700.0}


async def test_list_preview_update_delete_and_bulk_action(graphql, api):
    ids = [(await api.post("/customers", json=customer_body(tags=["vip"]))).json()["id"] for _ in range(2)]
    listed = await graphql("{ segments(first: 10) { totalCount edges { node { slug customerCount } } } }")
    assert {e["node"]["slug"] for e in listed["data"]["segments"]["edges"]} >= {"vip", "new_customers", "inactive"}
    preview = await graphql('query($q: String) { previewSegment(query: $q, sampleSize: 1) '
                            '{ count query criteria sample { id } } }', q='tags HAS "vip"')
    assert preview["data"]["previewSegment"]["count"] == 2
    assert preview["data"]["previewSegment"]["criteria"] == {"tags": {"any": ["vip"]}}
    by_criteria = await graphql("{ previewSegment(criteria: {tags: {none: [\"vip\"]}}) { count } }")
    assert by_criteria["data"]["previewSegment"]["count"] == 0
    updated = await graphql('mutation { updateSegment(id: "high_value", input: {criteria: {totalSpent: {min: 5}}}) '
                            '{ slug query } }')
    assert updated["data"]["updateSegment"] == {"slug": "high_value", "query": "total_spent >= 5"}
    job = await graphql('mutation { startSegmentBulkAction(segmentId: "vip", input: {action: add_tags, '
                        'tags: ["promo"], idempotencyKey: "g1"}) { id status total } }')
    job_id = job["data"]["startSegmentBulkAction"]["id"]
    assert job["data"]["startSegmentBulkAction"]["total"] == 2

    async def finished() -> bool:
        found = (await graphql("query($id: ID!) { segmentJob(id: $id) { status progress processed } }",
                               id=job_id))["data"]["segmentJob"]
        return found == {"status": "done", "progress": 1.0, "processed": 2}

    await eventually(finished, 20, "bulk job done")
    for customer_id in ids:
        assert "promo" in (await api.get(f"/customers/{customer_id}")).json()["tags"]
    created = await graphql('mutation { createSegment(input: {name: "Temp", query: "total_orders >= 1"}) { id } }')
    deleted = await graphql("mutation($id: ID!) { deleteSegment(id: $id) { deleted } }",
                            id=created["data"]["createSegment"]["id"])
    assert deleted["data"]["deleteSegment"]["deleted"] is True


async def test_bad_input_through_the_graph_keeps_code_and_field(graphql, api):
    cases = [
        ('mutation { createSegment(input: {name: "X", criteria: {totalSpend: {min: 5}}}) { id } }',
         "VALIDATION", "criteria.totalSpend"),
        ('mutation { createSegment(input: {name: "X", criteria: {totalSpent: {min: "lots"}}}) { id } }',
         "VALIDATION", "criteria.totalSpent.min"),
        ('mutation { createSegment(input: {name: "", query: "total_spent >= 1"}) { id } }', "VALIDATION", "name"),
        ('mutation { createSegment(input: {name: "X", slug: "vip", query: "total_spent >= 1"}) { id } }',
         "CONFLICT", "slug"),
        ('mutation { createSegment(input: {name: "X", query: "total_spent >="}) { id } }', "VALIDATION", "query"),
        ('{ segment(id: "missing") { id } }', "NOT_FOUND", "id"),
        ('mutation { startSegmentBulkAction(segmentId: "vip", input: {action: add_tags}) { id } }',
         "VALIDATION", "tags"),
    ]
    for operation, code, field in cases:
        result = await graphql(operation)
        error = result["errors"][0]
        assert error["extensions"]["code"] == code and error["extensions"].get("field") == field, (operation, error)
    listed = await graphql("{ segments { totalCount } }")
    assert listed["data"]["segments"]["totalCount"] == 5
