"""Bad input through GraphQL: an error with a code and the field, and nothing changes."""
from tests.gateway.test_customers_graph import CREATE, RECORD, customer_input

COUNT = "{ customers { totalCount } }"


async def _total(graphql) -> int:
    return (await graphql(COUNT))["data"]["customers"]["totalCount"]


async def test_invalid_email(graphql):
    result = await graphql(CREATE, input=customer_input(email="nope"))
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert result["errors"][0]["extensions"]["field"] == "email"
    assert await _total(graphql) == 0


async def test_duplicate_email_in_other_case(graphql):
    await graphql(CREATE, input=customer_input(email="Case@Example.com"))
    result = await graphql(CREATE, input=customer_input(email="case@example.com"))
    assert result["errors"][0]["extensions"] == {"code": "CONFLICT", "field": "email"}
    assert await _total(graphql) == 1


async def test_unknown_id(graphql):
    result = await graphql(RECORD, id="missing", input={"items": [{"sku": "A", "name": "A", "quantity": 1,
                                                                   "unitPrice": 1}]})
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    result = await graphql("mutation { updateCustomer(id: \"missing\", input: {notes: \"x\"}) { id } }")
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_negative_quantity(graphql):
    created = (await graphql(CREATE, input=customer_input()))["data"]["createCustomer"]
    result = await graphql(RECORD, id=created["id"], input={"items": [{"sku": "A", "name": "A", "quantity": -2,
                                                                       "unitPrice": 5}]})
    assert result["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert result["errors"][0]["extensions"]["field"] == "items.0.quantity"
    customer = await graphql("query($id: ID!) { customer(id: $id) { totalOrders } }", id=created["id"])
    assert customer["data"]["customer"]["totalOrders"] == 0


async def test_unknown_enum_value(graphql):
    result = await graphql(CREATE, input=customer_input(status="vip"))
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "vip" in result["errors"][0]["message"]
    assert await _total(graphql) == 0


async def test_malformed_query_and_json(graphql, customers_app):
    result = await graphql("{ customers { totalCount ")
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_bad_cursor_and_page_size(graphql):
    result = await graphql('{ customers(first: 500) { totalCount } }')
    assert result["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "first"}
    result = await graphql('{ customers(after: "garbage!") { totalCount } }')
    assert result["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "after"}


async def test_hostile_or_empty_ids_are_not_found_never_internal(graphql):
    created = (await graphql(CREATE, input=customer_input()))["data"]["createCustomer"]
    for bad in ["", " ", f"{created['id']}/orders", "../customers", "a,b"]:
        for query in ['query($id: ID!) { customer(id: $id) { id } }',
                      'mutation($id: ID!) { updateCustomer(id: $id, input: {notes: "x"}) { id } }',
                      'query($id: ID!) { campaign(id: $id) { id } }',
                      'query($id: ID!) { loyaltyProgram(id: $id) { id } }']:
            result = await graphql(query, id=bad)
            assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND", (bad, query, result)
    customer = await graphql('query($id: ID!) { customer(id: $id) { notes } }', id=created["id"])
    assert customer["data"]["customer"]["notes"] is None


async def test_several_operations_need_an_operation_name(graphql):
    document = "query A { customerStats { totalCustomers } } query B { segments { totalCount } }"
    unnamed = await graphql(document)
    assert unnamed["data"] is None
    assert unnamed["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED", "field": "operationName"}
