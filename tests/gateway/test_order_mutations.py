"""recordOrders and returnOrderItems through the gateway: rows answered one by one, returns shown on the order."""
from gateway.auth.roles import Role

CREATE = 'mutation($email: String!) { createCustomer(input: {email: $email, firstName: "G", lastName: "W"}) { id } }'
RECORD_ORDERS = """mutation($rows: [RecordOrdersRowInput!]!) {
  recordOrders(input: $rows) { index ok orderId status recorded error { code message field } } }"""
RETURN = """mutation($customer: ID!, $order: ID!, $input: ReturnOrderItemsInput!) {
  returnOrderItems(customerId: $customer, orderId: $order, input: $input) {
    id status total returnedAmount paidAt items { sku quantity returnedQuantity } returns { id reason amount } } }"""
CUSTOMER = 'query($id: ID!) { customer(id: $id) { totalSpent totalOrders } }'
ITEMS = [{"sku": "DR-1", "name": "Dress", "quantity": 2, "unitPrice": 50},
         {"sku": "BG-2", "name": "Bag", "quantity": 1, "unitPrice": 30}]


async def _customer(graphql, email: str) -> str:
    return (await graphql(CREATE, email=email))["data"]["createCustomer"]["id"]


async def test_record_orders_answers_each_row(graphql):
    customer_id = await _customer(graphql, "rows@example.com")
    rows = [{"customerId": customer_id, "id": "g-1", "items": ITEMS, "placedAt": "2026-05-01T10:00:00Z"},
            {"customerId": "nobody", "items": ITEMS},
            {"customerId": customer_id, "id": "g-2", "items": ITEMS, "status": "pending"},
            {"customerId": customer_id, "items": [{**ITEMS[0], "unitPrice": 1.001}]}]
    result = await graphql(RECORD_ORDERS, rows=rows)
    assert "errors" not in result, result
    answers = result["data"]["recordOrders"]
    assert [(a["index"], a["ok"], a["status"]) for a in answers] == [(0, True, "paid"), (1, False, None),
                                                                     (2, True, "pending"), (3, False, None)]
    assert answers[0]["orderId"] == "g-1" and answers[0]["recorded"] is True
    assert answers[1]["error"]["code"] == "NOT_FOUND" and answers[1]["error"]["field"] == "customerId"
    assert answers[3]["error"]["code"] == "VALIDATION" and answers[3]["error"]["field"].startswith("items.0")
    customer = (await graphql(CUSTOMER, id=customer_id))["data"]["customer"]
    assert customer == {"totalSpent": 260.0, "totalOrders": 2}


async def test_record_orders_takes_one_to_five_hundred_rows(graphql, customers_transport):
    customers_transport.paths.clear()
    for rows in ([], [{"customerId": "x", "items": ITEMS}] * 501):
        result = await graphql(RECORD_ORDERS, rows=rows)
        [error] = result["errors"]
        assert error["extensions"] == {"code": "VALIDATION", "field": "input"}
    assert "/orders/batch" not in customers_transport.paths


async def test_return_order_items_shows_the_returned_quantities(graphql, graphql_as):
    customer_id = await _customer(graphql, "ret@example.com")
    await graphql(RECORD_ORDERS, rows=[{"customerId": customer_id, "id": "g-ret", "items": ITEMS}])
    variables = {"customer": customer_id, "order": "g-ret",
                 "input": {"id": "gr-1", "reason": "too small", "items": [{"sku": "DR-1", "quantity": 1}]}}
    support = graphql_as(Role.support)
    result = await support(RETURN, **variables)
    assert "errors" not in result, result
    order = result["data"]["returnOrderItems"]
    assert order["returnedAmount"] == 50.0 and order["total"] == 130.0 and order["paidAt"] is not None
    assert order["items"] == [{"sku": "DR-1", "quantity": 2, "returnedQuantity": 1},
                              {"sku": "BG-2", "quantity": 1, "returnedQuantity": 0}]
    assert order["returns"] == [{"id": "gr-1", "reason": "too small", "amount": 50.0}]
    assert (await support(RETURN, **variables))["data"]["returnOrderItems"] == order  # the same return again
    assert (await graphql(CUSTOMER, id=customer_id))["data"]["customer"]["totalSpent"] == 80.0

    too_many = await support(RETURN, **{**variables, "input": {"reason": "x", "items": [{"sku": "BG-2",
                                                                                          "quantity": 2}]}})
    assert too_many["errors"][0]["extensions"] == {"code": "CONFLICT", "field": "items.0.quantity"}
    viewer = await graphql_as(Role.viewer)(RETURN, **variables)
    assert viewer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
