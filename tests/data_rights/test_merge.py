"""Merging duplicates end to end: the gateway, the three services, the real database and broker. Two customers with
orders and points become one: totals recomputed, the balance moved once through ledger entries on both (even when
customer.merged is published again), the tier recalculated, analytics unchanged, the merged id answering
mergedInto; duplicates found; bad input refused."""
from gateway.auth.roles import Role
from shared.events import contracts
from tests.conftest import eventually
from tests.gateway.test_customers_graph import CREATE, RECORD, customer_input
from tests.loyalty.support import consuming

MERGE = """mutation($keep: ID!, $merge: ID!) { mergeCustomers(keepId: $keep, mergeId: $merge) {
  mergedId movedOrders movedTimelineEntries
  kept { id totalSpent totalOrders averageOrderValue lastPurchaseDate phone mergedInto } } }"""
CUSTOMER = """query($id: ID!) { customer(id: $id) { id mergedInto totalOrders loyaltyPoints loyaltyTier
  orders(first: 10) { totalCount } activity(first: 30) { edges { node { type data } } }
  loyalty { points tier lifetimePoints ledger(first: 10) { edges { node { kind points reason } } } } } }"""
DUPLICATES = """query($after: String) { duplicateCustomers(first: 1, after: $after) {
  nodes { customerIds reasons customers { id firstName } } pageInfo { hasNextPage endCursor } } }"""
FLOWS = ("pointsIssued", "pointsRedeemed", "pointsExpired", "pointsClawedBack", "pointsDeducted",
         "pointsOutstanding")


async def _customer(graphql, email: str, **extra) -> str:
    created = await graphql(CREATE, input=customer_input(email=email, **extra))
    return created["data"]["createCustomer"]["id"]


async def _paid_order(graphql, customer_id: str, price: float) -> str:
    """Placed now: the default program started when the service did, and points follow the program at placedAt."""
    recorded = await graphql(RECORD, id=customer_id, input={
        "items": [{"sku": "CT-1", "name": "Coat", "quantity": 1, "unitPrice": price}]})
    assert "errors" not in recorded, recorded
    return recorded["data"]["recordOrder"]["id"]


async def _points(graphql, customer_id: str) -> tuple[int, str]:
    customer = (await graphql(CUSTOMER, id=customer_id))["data"]["customer"]
    return customer["loyaltyPoints"], customer["loyaltyTier"]


async def _analytics(loyalty_api) -> dict:
    report = (await loyalty_api.get("/loyalty-programs/default/analytics")).json()
    return {key: report[key] for key in FLOWS}


async def test_merge_two_customers_with_orders_and_points(graphql, customers_app, loyalty_app, campaigns_app,
                                                          loyalty_api):
    await consuming(customers_app, loyalty_app, campaigns_app)
    kept = await _customer(graphql, "kept@example.com", phone=None)
    merged = await _customer(graphql, "merged@example.com")
    await _paid_order(graphql, kept, 1000)  # 1000 points: silver
    await _paid_order(graphql, merged, 20.5)  # 20 points
    await _paid_order(graphql, merged, 700)  # 700 points: silver

    async def earned() -> bool:
        return await _points(graphql, kept) == (1000, "silver") and await _points(graphql, merged) == (720, "silver")
    await eventually(earned, what="points earned on both customers")
    before = await _analytics(loyalty_api)
    latest = (await customers_app.state.deps.customers.get(merged))["lastPurchaseDate"]

    result = await graphql(MERGE, keep=kept, merge=merged)
    assert "errors" not in result, result
    done = result["data"]["mergeCustomers"]
    assert done["mergedId"] == merged and done["movedOrders"] == 2
    # Totals recomputed from the three orders now on the kept customer.
    assert done["kept"] == {"id": kept, "totalSpent": 1720.5, "totalOrders": 3, "averageOrderValue": 573.5,
                            "lastPurchaseDate": latest.isoformat(), "phone": "+442071838750", "mergedInto": None}

    async def moved() -> bool:
        return await _points(graphql, kept) == (1720, "gold")
    await eventually(moved, what="the merged points on the kept customer, tier recalculated")

    # customer.merged published again through the broker (and the same envelope redelivered): nothing more moves.
    event = contracts.CustomerMerged(keptId=kept, mergedId=merged)

    async def publish_again(session) -> None:
        await customers_app.state.runtime.outbox.add(session, event)
    for _ in range(2):
        await customers_app.state.runtime.transaction(publish_again)
    handled_by = {"loyalty": loyalty_app.state.runtime.inbox.collection,
                  "campaigns": campaigns_app.state.runtime.inbox.collection}

    async def handled() -> bool:  # the first publish and the two again, by both consumers
        return all([await c.count_documents({"type": "customer.merged"}) == 3 for c in handled_by.values()])
    await eventually(handled, what="the repeated customer.merged handled by loyalty")

    view = (await graphql(CUSTOMER, id=kept))["data"]["customer"]
    assert view["totalOrders"] == 3 and view["orders"]["totalCount"] == 3
    merges = [e["node"]["data"] for e in view["activity"]["edges"] if e["node"]["type"] == "customer.merged"]
    assert len(merges) == 1 and merges[0]["mergedId"] == merged and merges[0]["orders"] == 2
    assert (view["loyalty"]["points"], view["loyalty"]["tier"], view["loyalty"]["lifetimePoints"]) == (1720, "gold",
                                                                                                     1720)
    kinds = [e["node"]["kind"] for e in view["loyalty"]["ledger"]["edges"]]
    assert kinds.count("merge_in") == 1
    gone = (await graphql(CUSTOMER, id=merged))["data"]["customer"]
    assert gone["mergedInto"] == kept and gone["totalOrders"] == 0 and gone["orders"]["totalCount"] == 0
    assert gone["loyalty"]["points"] == 0 and gone["loyalty"]["lifetimePoints"] == 0
    merged_kinds = [e["node"]["kind"] for e in gone["loyalty"]["ledger"]["edges"]]
    assert merged_kinds.count("merge_out") == 1
    out = next(e["node"] for e in gone["loyalty"]["ledger"]["edges"] if e["node"]["kind"] == "merge_out")
    assert out["points"] == -720 and merged in out["reason"]
    # Moving points is neither issuing nor redeeming.
    assert await _analytics(loyalty_api) == before


async def test_duplicates_listed_through_the_graph(graphql):
    same_phone = [await _customer(graphql, f"p{i}@example.com", phone="+14155550142",
                                  address={"zipCode": f"9000{i}"}, firstName=f"Other{i}") for i in range(2)]
    similar = [await _customer(graphql, "jl1@example.com", firstName="José", lastName="López", phone=None,
                               address={"zipCode": "62701"}),
               await _customer(graphql, "jl2@example.com", firstName="jose", lastName="lopez ", phone=None,
                               address={"zipCode": "62701"})]
    await _customer(graphql, "jl3@example.com", firstName="Jose", lastName="Lopez", phone=None,
                    address={"zipCode": "10115"})  # another postal code: somebody else
    seen, after = [], None
    while True:
        page = (await graphql(DUPLICATES, after=after))["data"]["duplicateCustomers"]
        seen += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [(sorted(n["customerIds"]), n["reasons"]) for n in seen] == [
        (sorted(same_phone), ["SAME_PHONE"]), (sorted(similar), ["SIMILAR_NAME_SAME_ZIP"])]
    assert {c["id"] for c in seen[1]["customers"]} == set(similar)


async def test_bad_merges_are_refused_with_code_and_field(graphql, graphql_as):
    one = await _customer(graphql, "one@example.com")
    same = await graphql(MERGE, keep=one, merge=one)
    assert same["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "mergeId"}
    unknown = await graphql(MERGE, keep=one, merge="no-such-customer")
    assert unknown["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "mergeId"}
    viewer = await graphql_as(Role.viewer)(MERGE, keep=one, merge="other")
    assert viewer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    too_many = await graphql("{ duplicateCustomers(first: 500) { nodes { reasons } } }")
    assert too_many["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "first"}
