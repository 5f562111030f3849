"""Reward codes and deductions through the gateway: the storefront's calls, errors with code and field, the actor."""
from gateway.auth.roles import Role
from tests.loyalty.support import add_points, member

CODE_FIELDS = "code status customerId rewardId rewardName type value points orderId consumedAt voidedAt voidReason"
LOOKUP = f"query($code: String!) {{ rewardCode(code: $code) {{ {CODE_FIELDS} }} }}"
VALIDATE = """mutation($code: String!, $customer: ID, $total: Float) {
  validateRewardCode(code: $code, customerId: $customer, orderTotal: $total) { valid reason status } }"""
CONSUME = f"""mutation($code: String!, $order: ID!) {{
  consumeRewardCode(code: $code, orderId: $order) {{ {CODE_FIELDS} }} }}"""
VOID = f"""mutation($code: String!, $reason: String!) {{
  voidRewardCode(code: $code, reason: $reason) {{ {CODE_FIELDS} }} }}"""
DEDUCT = """mutation($id: ID!, $points: Int!, $reason: String!) {
  deductLoyaltyPoints(customerId: $id, points: $points, reason: $reason) { points tier
    ledger(first: 1) { edges { node { kind points reason actor { subject role } } } } } }"""


def _error(result: dict) -> tuple:
    error = result["errors"][0]["extensions"]
    return error["code"], error.get("field")


async def test_a_storefront_looks_up_validates_and_consumes_a_code(graphql, loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 1000)
    code = (await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                   json={"rewardId": "default-5-off"})).json()["code"]

    found = (await graphql(LOOKUP, code=code))["data"]["rewardCode"]
    assert (found["status"], found["customerId"], found["type"], found["value"], found["points"]) == \
        ("issued", customer_id, "fixed_discount", 5.0, 500)
    assert (await graphql(VALIDATE, code=code, customer=customer_id, total=20.0))["data"]["validateRewardCode"] == \
        {"valid": True, "reason": None, "status": "issued"}
    assert (await graphql(VALIDATE, code=code, total=4.5))["data"]["validateRewardCode"]["reason"] == \
        "order_total_below_value"

    consumed = (await graphql(CONSUME, code=code, order="order-9"))["data"]["consumeRewardCode"]
    assert (consumed["status"], consumed["orderId"]) == ("consumed", "order-9") and consumed["consumedAt"]
    assert _error(await graphql(CONSUME, code=code, order="order-10")) == ("CONFLICT", "code")
    assert _error(await graphql(VOID, code=code, reason="late")) == ("CONFLICT", "code")
    assert _error(await graphql(LOOKUP, code="JT-NOSUCHCODE00")) == ("NOT_FOUND", "code")


async def test_staff_void_a_code_and_deduct_points_under_their_name(graphql_as, loyalty_api, loyalty_app):
    staff = graphql_as(Role.support, "ana@shop")
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 1000)
    code = (await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                   json={"rewardId": "default-5-off"})).json()["code"]
    voided = (await staff(VOID, code=code, reason="Order cancelled"))["data"]["voidRewardCode"]
    assert (voided["status"], voided["voidReason"]) == ("voided", "Order cancelled")

    account = (await staff(DEDUCT, id=customer_id, points=400, reason="Goodwill credited twice"))[
        "data"]["deductLoyaltyPoints"]
    assert account["points"] == 600 and account["tier"] == "silver"
    assert account["ledger"]["edges"][0]["node"] == {"kind": "deduct", "points": -400,
                                                     "reason": "Goodwill credited twice",
                                                     "actor": {"subject": "ana@shop", "role": "support"}}
    assert _error(await staff(DEDUCT, id=customer_id, points=601, reason="too much")) == \
        ("INSUFFICIENT_POINTS", "points")
    assert _error(await staff(DEDUCT, id=customer_id, points=0, reason="none")) == ("VALIDATION", "points")
    # A viewer may ask about a code but not change points.
    viewer = graphql_as(Role.viewer)
    assert (await viewer(VALIDATE, code=code))["data"]["validateRewardCode"]["reason"] == "voided"
    assert _error(await viewer(DEDUCT, id=customer_id, points=1, reason="x"))[0] == "FORBIDDEN"
