"""Manual deductions: a reason, the balance only, never below zero, nothing written when refused."""
import asyncio

from tests.loyalty.support import add_points, ledger_sum, member


def _deductions(customer_id: str) -> str:
    return f"/customers/{customer_id}/loyalty/deductions"


async def test_a_deduction_lowers_the_balance_only_with_its_reason(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 600)  # silver from 500
    response = await loyalty_api.post(_deductions(customer_id), json={"points": 200, "reason": "Duplicate credit"})
    assert response.status_code == 201, response.text
    entry, account = response.json()["entry"], response.json()["account"]
    assert (entry["kind"], entry["points"], entry["reason"], entry["balanceAfter"]) == \
        ("deduct", -200, "Duplicate credit", 400)
    assert entry["expiresAt"] is None
    # Not a refund: the tier and what the member earned stay as they were.
    assert (account["points"], account["tier"], account["qualifyingPoints"], account["lifetimePoints"]) == \
        (400, "silver", 600, 600)
    assert await ledger_sum(loyalty_app, customer_id) == 400
    outbox = loyalty_app.state.runtime.outbox.collection
    assert await outbox.count_documents({"routingKey": "loyalty.points.changed",
                                         "body": {"$regex": f'"customerId":"{customer_id}".*"delta":-200'}}) == 1


async def test_a_deduction_beyond_the_balance_is_refused_and_writes_nothing(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 300)
    refused = await loyalty_api.post(_deductions(customer_id), json={"points": 301, "reason": "Abuse"})
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("INSUFFICIENT_POINTS", "points")
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"] == 300
    ledger = loyalty_app.state.deps.ledger.collection
    assert await ledger.count_documents({"customerId": customer_id}) == 1
    exact = await loyalty_api.post(_deductions(customer_id), json={"points": 300, "reason": "Abuse"})
    assert exact.status_code == 201 and exact.json()["account"]["points"] == 0
    nobody = await member(loyalty_app)  # no account yet: a zero balance
    assert (await loyalty_api.post(_deductions(nobody), json={"points": 1, "reason": "x"})).status_code == 409


async def test_bad_deductions_name_the_field(loyalty_api, loyalty_app, customers_app):  # it says 404 for the id
    customer_id = await member(loyalty_app)
    for body, field in [({"points": 0, "reason": "x"}, "points"), ({"points": 1_000_001, "reason": "x"}, "points"),
                        ({"points": 5}, "reason"), ({"points": 5, "reason": ""}, "reason"),
                        ({"points": "many", "reason": "x"}, "points")]:
        response = await loyalty_api.post(_deductions(customer_id), json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["field"] == field, (body, response.json())
    unknown = await loyalty_api.post(_deductions("no-such-customer"), json={"points": 5, "reason": "x"})
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "customerId"


async def test_the_same_request_id_deducts_once(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 500)
    body = {"points": 100, "reason": "Chargeback", "requestId": "deduct-1"}
    first = await loyalty_api.post(_deductions(customer_id), json=body)
    again = await loyalty_api.post(_deductions(customer_id), json=body)
    assert first.json()["entry"]["id"] == again.json()["entry"]["id"]
    assert again.json()["account"]["points"] == 400
    credit = await loyalty_api.post(f"/customers/{customer_id}/loyalty/points",
                                    json={"points": 5, "reason": "x", "requestId": "credit-1"})
    assert credit.status_code == 201
    reused = await loyalty_api.post(_deductions(customer_id),
                                    json={"points": 5, "reason": "x", "requestId": "credit-1"})
    assert reused.status_code == 409 and reused.json()["error"]["field"] == "requestId"


async def test_concurrent_deductions_never_take_the_balance_below_zero(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 1000)
    responses = await asyncio.gather(*(
        loyalty_api.post(_deductions(customer_id), json={"points": 100, "reason": f"batch {i}"}) for i in range(25)))
    assert sorted(r.status_code for r in responses) == [201] * 10 + [409] * 15
    account = await loyalty_app.state.deps.accounts.get(customer_id)
    assert account.balance == 0 and await ledger_sum(loyalty_app, customer_id) == 0


async def test_analytics_count_voids_against_redeemed_and_deductions_apart(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 1000)
    codes = []
    for _ in range(2):
        redeemed = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                          json={"rewardId": "default-free-shipping"})
        codes.append(redeemed.json()["code"])
    assert (await loyalty_api.post(f"/loyalty/codes/{codes[0]}/void", json={"reason": "undo"})).status_code == 200
    assert (await loyalty_api.post(_deductions(customer_id), json={"points": 50, "reason": "x"})).status_code == 201
    report = (await loyalty_api.get("/loyalty-programs/default/analytics")).json()
    assert (report["pointsIssued"], report["pointsRedeemed"], report["pointsDeducted"]) == (1000, 300, 50)
    assert report["pointsOutstanding"] == 650 and report["periods"][0]["redeemed"] == 300
    assert report["topRewards"] == [{"rewardId": "default-free-shipping", "name": "Free shipping",
                                     "redemptions": 1, "points": 300}]
