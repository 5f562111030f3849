"""The shop-wide activity feed and the dashboard's metrics through the graph: keyset paging, filters, names
batched, bad input as coded errors."""
from datetime import datetime, timedelta, timezone

from tests.customers.factories import customer_body

FEED = """query($first: Int!, $after: String, $filter: ActivityFilter) {
  activity(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id customerId customerName type summary occurredAt } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } }"""
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


async def _customer(api, first: str, last: str) -> str:
    response = await api.post("/customers", json=customer_body(firstName=first, lastName=last))
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _interaction(api, customer: str, kind: str, at: datetime) -> None:
    response = await api.post(f"/customers/{customer}/activity",
                              json={"kind": kind, "description": f"{kind} at {at:%H:%M}", "occurredAt": at.isoformat()})
    assert response.status_code == 201, response.text


async def _everything(api, ids: list[str]) -> list[dict]:
    """Every entry of these customers, newest first, as the per-customer timelines give them."""
    entries = []
    for customer in ids:
        entries += (await api.get(f"/customers/{customer}/activity", params={"limit": 100})).json()["items"]
    return sorted(entries, key=lambda e: (datetime.fromisoformat(e["occurredAt"]), e["id"]), reverse=True)


async def _pages(graphql, first: int, filter: dict | None = None) -> list[dict]:
    nodes, after = [], None
    while True:
        page = (await graphql(FEED, first=first, after=after, filter=filter))["data"]["activity"]
        nodes += [edge["node"] for edge in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def test_feed_pages_newest_first_with_names_and_filters(api, graphql, customers_transport):
    ada, bob, cy = (await _customer(api, "Ada", "King"), await _customer(api, "Bob", "Stone"),
                    await _customer(api, "Cy", "Vale"))
    for i, (customer, kind) in enumerate([(ada, "login"), (bob, "review"), (ada, "wishlist"), (cy, "login"),
                                          (bob, "login"), (cy, "support_contact")]):
        await _interaction(api, customer, kind, T0 + timedelta(minutes=i))
    await _interaction(api, bob, "review", T0 + timedelta(minutes=2))  # the same instant as ada's: ids decide
    order = {"items": [{"sku": "S", "name": "Shirt", "quantity": 1, "unitPrice": 20}],
             "placedAt": (T0 + timedelta(minutes=30)).isoformat()}
    assert (await api.post(f"/customers/{cy}/orders", json=order)).status_code == 201

    expected = await _everything(api, [ada, bob, cy])
    customers_transport.paths.clear()
    nodes = await _pages(graphql, 3)
    assert [n["id"] for n in nodes] == [e["id"] for e in expected]
    names = {ada: "Ada King", bob: "Bob Stone", cy: "Cy Vale"}
    assert all(n["customerName"] == names[n["customerId"]] for n in nodes)
    pages = -(-len(expected) // 3)
    assert customers_transport.paths == ["/activity/feed"] * pages  # names come with the page: no call per entry

    # Filters: a family of kinds, an exact kind, one customer, a time window.
    interactions = await _pages(graphql, 100, {"kinds": ["interaction"]})
    assert [n["id"] for n in interactions] == [e["id"] for e in expected if e["type"].startswith("interaction.")]
    logins = await _pages(graphql, 100, {"kinds": ["interaction.login", "order.placed"]})
    assert [n["id"] for n in logins] == [e["id"] for e in expected
                                         if e["type"] in ("interaction.login", "order.placed")]
    bobs = await _pages(graphql, 2, {"customerId": bob})
    assert [n["id"] for n in bobs] == [e["id"] for e in expected if e["customerId"] == bob]
    since, until = T0 + timedelta(minutes=1), T0 + timedelta(minutes=4)
    window = await _pages(graphql, 100, {"since": since.isoformat(), "until": until.isoformat()})
    assert [n["id"] for n in window] == [e["id"] for e in expected
                                         if since <= datetime.fromisoformat(e["occurredAt"]) < until]
    assert len(window) == 4


async def test_a_page_boundary_holds_while_entries_arrive(api, graphql):
    ada = await _customer(api, "Ada", "King")
    for i in range(4):
        await _interaction(api, ada, "login", T0 + timedelta(minutes=i))
    first = (await graphql(FEED, first=2, filter={"kinds": ["interaction"]}))["data"]["activity"]
    await _interaction(api, ada, "review", T0 + timedelta(minutes=10))  # newer than everything: page one's
    await _interaction(api, ada, "review", T0 - timedelta(minutes=10))  # older: it belongs further on
    rest = await graphql(FEED, first=10, after=first["pageInfo"]["endCursor"], filter={"kinds": ["interaction"]})
    summaries = [e["node"]["summary"] for e in first["edges"] + rest["data"]["activity"]["edges"]]
    assert summaries == ["login at 09:03", "login at 09:02", "login at 09:01", "login at 09:00", "review at 08:50"]


async def test_an_erased_customer_shows_without_a_name(api, graphql):
    ada = await _customer(api, "Ada", "King")
    assert (await api.post(f"/customers/{ada}/erasure", json={"reason": "asked"})).status_code in (200, 201)
    nodes = await _pages(graphql, 10, {"customerId": ada})
    assert nodes and all(n["customerName"] is None for n in nodes)
    assert not any("Ada" in n["summary"] for n in nodes)


async def test_growth_and_cohorts_through_the_graph(api, graphql):
    ada = await _customer(api, "Ada", "King")
    order = {"items": [{"sku": "S", "name": "Shirt", "quantity": 2, "unitPrice": 20}]}
    assert (await api.post(f"/customers/{ada}/orders", json=order)).status_code == 201
    result = await graphql("""{ customerStats(period: DAY_7) { totalCustomers growth { from to previousFrom
        newCustomers { value previous growthPercent } revenue { value previous growthPercent }
        orders { value } averageOrderValue { value } repeatPurchaseRate { value } } } }""")
    stats = result["data"]["customerStats"]
    growth = stats["growth"]
    assert stats["totalCustomers"] == 1
    assert growth["newCustomers"] == {"value": 1, "previous": 0, "growthPercent": None}
    assert growth["revenue"] == {"value": 40.0, "previous": 0.0, "growthPercent": None}
    assert growth["orders"]["value"] == 1 and growth["averageOrderValue"]["value"] == 40.0
    assert growth["repeatPurchaseRate"]["value"] == 0.0
    assert datetime.fromisoformat(growth["to"]) - datetime.fromisoformat(growth["from"]) == timedelta(days=7)
    plain = await graphql("{ customerStats { newCustomersThisMonth growth { from } } }")  # no argument: MONTH
    assert plain["data"]["customerStats"]["newCustomersThisMonth"] == 1
    assert datetime.fromisoformat(plain["data"]["customerStats"]["growth"]["from"]).day == 1
    explicit = await graphql("""{ customerStats(from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z") {
        growth { previousFrom orders { value previous growthPercent } } } }""")
    assert explicit["data"]["customerStats"]["growth"] == {
        "previousFrom": "2024-12-01T00:00:00+00:00", "orders": {"value": 0, "previous": 0, "growthPercent": None}}
    cohorts = (await graphql("{ customerCohorts(months: 2) { cohort size months { offset buyers sharePercent } } }"))
    this_month = cohorts["data"]["customerCohorts"][-1]
    assert this_month["size"] == 1 and this_month["months"] == [{"offset": 0, "buyers": 1, "sharePercent": 100.0}]


async def test_bad_input_is_a_coded_error_with_its_field(graphql):
    cases = [
        (FEED, {"first": 0}, "first"), (FEED, {"first": 101}, "first"),
        (FEED, {"first": 5, "after": "not-a-cursor"}, "after"),
        (FEED, {"first": 5, "filter": {"kinds": ["Order Placed!"]}}, "kinds"),
        (FEED, {"first": 5, "filter": {"since": "2026-03-02T10:00:00Z", "until": "2026-03-02T09:00:00Z"}}, "since"),
        ("{ customerCohorts(months: 0) { size } }", {}, "months"),
        ("{ customerCohorts(months: 37) { size } }", {}, "months"),
        ('{ customerStats(period: DAY_7, from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z") '
         '{ growth { from } } }', {}, "period"),
        ('{ customerStats(from: "2025-01-01T00:00:00Z") { growth { from } } }', {}, "to"),
        ('{ customerStats(from: "2025-02-01T00:00:00Z", to: "2025-01-01T00:00:00Z") { growth { from } } }', {},
         "from"),
    ]
    for query, variables, field in cases:
        result = await graphql(query, **variables)
        error = result["errors"][0]
        assert error["extensions"]["code"] == "VALIDATION", (query, variables, result)
        assert error["extensions"]["field"] == field, (query, variables, result)
    unknown = await graphql("{ customerStats(period: DAY_8) { growth { from } } }")
    assert unknown["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "DAY_8" in unknown["errors"][0]["message"]
