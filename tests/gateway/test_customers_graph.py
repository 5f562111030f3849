"""The customer graph end to end: gateway -> customers service -> real database."""
CREATE = """
mutation($input: CustomerCreateInput!) {
  createCustomer(input: $input) { id email loyaltyTier totalSpent address { city zipCode } communication { sms } }
}"""
RECORD = """
mutation($id: ID!, $input: OrderInput!) { recordOrder(customerId: $id, input: $input) { id total status } }"""
CUSTOMER = """
query($id: ID!) {
  customer(id: $id) {
    totalSpent totalOrders averageOrderValue lastPurchaseDate
    orders(first: 10) { totalCount edges { node { total items { sku quantity unitPrice lineTotal } } } }
    activity(first: 10) { totalCount edges { node { type summary } } }
  }
}"""


def customer_input(email="hedy@example.com", **extra) -> dict:
    return {"firstName": "Hedy", "lastName": "Lamarr", "email": email, "phone": "+442071838750",
            "address": {"city": "Vienna", "zipCode": "1010"}, "communication": {"sms": True}, **extra}


async def test_create_customer_record_two_orders_read_totals_orders_and_timeline(graphql):
    created = await graphql(CREATE, input=customer_input())
    customer = created["data"]["createCustomer"]
    assert customer["address"] == {"city": "Vienna", "zipCode": "1010"}
    assert customer["communication"]["sms"] is True and customer["loyaltyTier"] == "bronze"
    first = await graphql(RECORD, id=customer["id"], input={
        "items": [{"sku": "DR-1", "name": "Dress", "quantity": 2, "unitPrice": 59.9}],
        "placedAt": "2026-05-01T10:00:00Z"})
    assert first["data"]["recordOrder"]["total"] == 119.8
    await graphql(RECORD, id=customer["id"], input={
        "items": [{"sku": "BG-2", "name": "Bag", "quantity": 1, "unitPrice": 30.25, "color": "red"}],
        "status": "pending", "placedAt": "2026-06-01T10:00:00Z"})

    result = (await graphql(CUSTOMER, id=customer["id"]))["data"]["customer"]
    assert result["totalSpent"] == 150.05
    assert result["totalOrders"] == 2
    assert result["averageOrderValue"] == 75.03  # 150.05 / 2 rounded half up
    assert result["lastPurchaseDate"].startswith("2026-06-01T10:00:00")
    assert result["orders"]["totalCount"] == 2
    assert [e["node"]["total"] for e in result["orders"]["edges"]] == [30.25, 119.8]
    assert result["orders"]["edges"][1]["node"]["items"] == [
        {"sku": "DR-1", "quantity": 2, "unitPrice": 59.9, "lineTotal": 119.8}]
    # The sms opt-in's consent (consent.granted, at the same moment as profile.created) and loyalty's points
    # entries (arriving when loyalty gets to them) are not what this test is about.
    timeline = [(e["node"]["type"], e["node"]["summary"]) for e in result["activity"]["edges"]
                if e["node"]["type"] in ("profile.created", "order.placed")]
    # By date, newest first.
    assert [kind for kind, _ in timeline] == ["profile.created", "order.placed", "order.placed"]
    assert "30.25" in timeline[1][1] and "119.80" in timeline[2][1]


async def test_customers_connection_filters_and_pages(graphql):
    for i in range(3):
        await graphql(CREATE, input=customer_input(email=f"p{i}@example.com", firstName=f"P{i}",
                                                   status="inactive" if i == 1 else "active"))
    query = """query($after: String) {
      customers(first: 1, after: $after, filter: {status: [active]}, sort: firstName, order: asc) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { firstName } } } }"""
    page1 = (await graphql(query))["data"]["customers"]
    assert page1["totalCount"] == 2 and page1["pageInfo"]["hasNextPage"] is True
    page2 = (await graphql(query, after=page1["pageInfo"]["endCursor"]))["data"]["customers"]
    assert [e["node"]["firstName"] for e in page1["edges"] + page2["edges"]] == ["P0", "P2"]
    assert page2["pageInfo"]["hasNextPage"] is False


async def test_update_delete_and_stats(graphql):
    created = (await graphql(CREATE, input=customer_input()))["data"]["createCustomer"]
    updated = await graphql("""mutation($id: ID!) { updateCustomer(id: $id, input: {tags: ["VIP"], notes: "hi"})
      { tags notes email } }""", id=created["id"])
    assert updated["data"]["updateCustomer"] == {"tags": ["vip"], "notes": "hi", "email": "hedy@example.com"}
    stats = (await graphql("{ customerStats { totalCustomers activeCustomers newCustomersThisMonth } }"))
    assert stats["data"]["customerStats"] == {"totalCustomers": 1, "activeCustomers": 1, "newCustomersThisMonth": 1}
    deleted = await graphql("mutation($id: ID!) { deleteCustomer(id: $id) { deleted } }", id=created["id"])
    assert deleted["data"]["deleteCustomer"]["deleted"] is True
    gone = await graphql("query($id: ID!) { customer(id: $id) { id } }", id=created["id"])
    assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_page_of_customers_with_orders_costs_one_call_per_field(graphql, customers_transport):
    for i in range(5):
        created = (await graphql(CREATE, input=customer_input(email=f"n{i}@example.com")))["data"]["createCustomer"]
        await graphql(RECORD, id=created["id"], input={"items": [{"sku": "X", "name": "X", "quantity": 1,
                                                                  "unitPrice": 1}]})
    customers_transport.paths.clear()
    result = await graphql("""{ customers(first: 50) { edges { node { id
        orders(first: 5) { totalCount } activity(first: 5) { totalCount } } } } }""")
    edges = result["data"]["customers"]["edges"]
    assert len(edges) == 5 and all(e["node"]["orders"]["totalCount"] == 1 for e in edges)
    assert sorted(customers_transport.paths) == ["/activity", "/customers", "/orders"]
