"""Loyalty through the gateway: Customer.loyalty batched, programs and analytics, the spec's mutations, errors."""
from tests.conftest import eventually
from tests.customers.factories import customer_body
from tests.gateway.test_customers_graph import CREATE, RECORD, customer_input
from tests.loyalty.support import consuming

LOYALTY = """query($id: ID!) { customer(id: $id) { loyaltyTier loyaltyPoints
  loyalty { points tier lifetimePoints nextTier { name remaining } availableRewards { id }
            ledger(first: 5) { totalCount edges { node { kind points reason } } } } } }"""
ADD = """mutation($id: ID!, $points: Int!, $reason: String!) {
  addLoyaltyPoints(customerId: $id, points: $points, reason: $reason) { points tier nextTier { name remaining } } }"""
REDEEM = """mutation($id: ID!, $reward: ID!) {
  redeemLoyaltyReward(customerId: $id, rewardId: $reward) { code points balance type rewardName } }"""


async def _member(graphql, customers_app, loyalty_app, loyalty_api, email="grace@example.com") -> str:
    await consuming(customers_app, loyalty_app)
    customer_id = (await graphql(CREATE, input=customer_input(email=email)))["data"]["createCustomer"]["id"]

    async def known() -> bool:
        return (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).status_code == 200
    await eventually(known, what="loyalty to learn of the customer")
    return customer_id


async def test_order_raises_the_tier_and_refund_takes_it_back_on_the_customer(graphql, customers_app, loyalty_app,
                                                                            loyalty_api):
    customer_id = await _member(graphql, customers_app, loyalty_app, loyalty_api)
    order = (await graphql(RECORD, id=customer_id, input={
        "items": [{"sku": "CT-1", "name": "Coat", "quantity": 1, "unitPrice": 640}]}))["data"]["recordOrder"]

    async def tier_is(tier: str, points: int) -> bool:
        customer = (await graphql(LOYALTY, id=customer_id))["data"]["customer"]
        return customer["loyaltyTier"] == tier and customer["loyaltyPoints"] == points
    await eventually(lambda: tier_is("silver", 640), what="silver on the customer through GraphQL")
    customer = (await graphql(LOYALTY, id=customer_id))["data"]["customer"]
    loyalty = customer["loyalty"]
    assert (loyalty["points"], loyalty["tier"], loyalty["lifetimePoints"]) == (640, "silver", 640)
    assert loyalty["nextTier"] == {"name": "gold", "remaining": 860}
    assert {r["id"] for r in loyalty["availableRewards"]} == {"default-5-off", "default-free-shipping"}
    assert loyalty["ledger"]["edges"][0]["node"] == {"kind": "earn", "points": 640, "reason": f"Order {order['id']}"}

    await graphql("""mutation($c: ID!, $o: ID!) { changeOrderStatus(customerId: $c, orderId: $o, status: refunded)
                     { status } }""", c=customer_id, o=order["id"])
    await eventually(lambda: tier_is("bronze", 0), what="the refund to take points and tier back")
    ledger = (await graphql(LOYALTY, id=customer_id))["data"]["customer"]["loyalty"]["ledger"]
    assert [e["node"]["kind"] for e in ledger["edges"]] == ["clawback", "earn"] and ledger["totalCount"] == 2


async def test_page_of_fifty_customers_asking_for_loyalty_costs_one_call(graphql, api, loyalty_transport):
    for i in range(50):
        assert (await api.post("/customers", json=customer_body(email=f"m{i}@example.com"))).status_code == 201
    loyalty_transport.paths.clear()
    result = await graphql("""{ customers(first: 50) { edges { node { id
        loyalty { points tier lifetimePoints nextTier { name remaining } availableRewards { id } } } } } }""")
    edges = result["data"]["customers"]["edges"]
    assert len(edges) == 50 and all(e["node"]["loyalty"]["tier"] == "bronze" for e in edges)
    assert edges[0]["node"]["loyalty"]["nextTier"] == {"name": "silver", "remaining": 500}
    assert loyalty_transport.paths == ["/loyalty/accounts"]

    loyalty_transport.paths.clear()
    await graphql("{ customers(first: 50) { edges { node { loyalty { points ledger(first: 3) { totalCount } } } } } }")
    assert sorted(loyalty_transport.paths) == ["/loyalty/accounts", "/loyalty/ledger"]


async def test_spec_mutations_and_their_errors(graphql, customers_app, loyalty_app, loyalty_api):
    customer_id = await _member(graphql, customers_app, loyalty_app, loyalty_api)
    added = await graphql(ADD, id=customer_id, points=100, reason="Purchase bonus")
    assert added["data"]["addLoyaltyPoints"] == {"points": 100, "tier": "bronze",
                                                 "nextTier": {"name": "silver", "remaining": 400}}
    zero = await graphql(ADD, id=customer_id, points=0, reason="x")
    assert zero["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert zero["errors"][0]["extensions"]["field"] == "points"
    unknown = await graphql(ADD, id="nobody", points=5, reason="x")
    assert unknown["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "customerId"}
    short = await graphql(REDEEM, id=customer_id, reward="default-free-shipping")
    assert short["errors"][0]["extensions"] == {"code": "INSUFFICIENT_POINTS", "field": "rewardId"}
    await graphql(ADD, id=customer_id, points=250, reason="Survey")
    redeemed = (await graphql(REDEEM, id=customer_id, reward="default-free-shipping"))["data"]["redeemLoyaltyReward"]
    assert redeemed["points"] == 300 and redeemed["balance"] == 50 and redeemed["type"] == "free_shipping"
    assert redeemed["code"].startswith("JT-")
    no_reward = await graphql(REDEEM, id=customer_id, reward="nope")
    assert no_reward["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "rewardId"}
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"] == 50


PROGRAM = """mutation($input: LoyaltyProgramInput!) { createLoyaltyProgram(input: $input) {
  id name type isActive tiers { name minPoints multiplier } rewards { id type value stock stockRemaining } } }"""


async def test_programs_and_analytics(graphql, loyalty_api):
    spring = {"name": "Spring", "type": "quarterly", "startDate": "2101-01-01T00:00:00Z",
              "endDate": "2100-01-01T00:00:00Z", "tiers": [{"name": "bronze", "minPoints": 0}]}
    bad = await graphql(PROGRAM, input=spring)
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert bad["errors"][0]["extensions"]["field"] == "endDate"
    spring["endDate"] = "2101-04-01T00:00:00Z"
    spring["tiers"].append({"name": "gold", "minPoints": 900, "multiplier": 1.5})
    spring["rewards"] = [{"name": "Tote", "type": "gift", "pointsCost": 200, "stock": 5}]
    created = (await graphql(PROGRAM, input=spring))["data"]["createLoyaltyProgram"]
    assert created["tiers"][1] == {"name": "gold", "minPoints": 900, "multiplier": 1.5}
    assert created["rewards"][0]["stockRemaining"] == 5 and created["isActive"]

    renamed = await graphql("""mutation($id: ID!) { updateLoyaltyProgram(id: $id, input: {name: "Spring 2101",
        isActive: false}) { name isActive } }""", id=created["id"])
    assert renamed["data"]["updateLoyaltyProgram"] == {"name": "Spring 2101", "isActive": False}
    listing = (await graphql("{ loyaltyPrograms { totalCount edges { node { name } } } }"))["data"]
    assert listing["loyaltyPrograms"]["totalCount"] == 2
    report = (await graphql("""{ loyaltyProgram(id: "default") { name analytics { members pointsIssued
        pointsOutstanding redemptionRate membersPerTier { tier members } topRewards { rewardId } } } }"""))
    analytics = report["data"]["loyaltyProgram"]["analytics"]
    assert analytics["pointsIssued"] == 0 and analytics["redemptionRate"] == 0
    assert [t["tier"] for t in analytics["membersPerTier"]] == ["bronze", "silver", "gold", "platinum"]
    missing = await graphql('{ loyaltyProgram(id: "missing") { id } }')
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
