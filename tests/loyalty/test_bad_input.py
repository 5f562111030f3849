"""Bad input gets a clear error with a code and field, and changes nothing."""
from tests.loyalty.support import add_points, ledger_sum, member

PROGRAM = {"name": "Summer", "type": "custom", "startDate": "2031-06-01T00:00:00Z", "endDate": "2031-09-01T00:00:00Z",
           "tiers": [{"name": "bronze", "minPoints": 0}, {"name": "silver", "minPoints": 100, "multiplier": 1.5}]}


async def _nothing_changed(loyalty_app, customer_id: str, balance: int) -> None:
    account = await loyalty_app.state.deps.accounts.get(customer_id)
    assert (account["balance"] if account else 0) == balance
    assert await ledger_sum(loyalty_app, customer_id) == balance


async def test_unknown_customer(loyalty_api, loyalty_app):
    for path, body in [("points", {"points": 10, "reason": "x"}), ("redeem", {"rewardId": "default-free-shipping"})]:
        response = await loyalty_api.post(f"/customers/nobody/loyalty/{path}", json=body)
        assert response.status_code == 404
        assert response.json()["error"] == {"code": "NOT_FOUND", "message": "customer nobody not found",
                                            "field": "customerId"}
    assert await loyalty_app.state.deps.accounts.collection.count_documents({}) == 0


async def test_zero_negative_or_missing_points(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 50)
    for body in ({"points": 0, "reason": "x"}, {"points": -5, "reason": "x"}, {"points": 1.5, "reason": "x"},
                 {"reason": "x"}):
        response = await loyalty_api.post(f"/customers/{customer_id}/loyalty/points", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "VALIDATION" and response.json()["error"]["field"] == "points"
    missing_reason = await loyalty_api.post(f"/customers/{customer_id}/loyalty/points", json={"points": 5})
    assert missing_reason.json()["error"]["field"] == "reason"
    await _nothing_changed(loyalty_app, customer_id, 50)


async def test_unknown_reward_and_insufficient_points(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 200)
    unknown = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem", json={"rewardId": "nope"})
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "rewardId"
    short = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                   json={"rewardId": "default-free-shipping"})
    assert short.status_code == 409
    assert short.json()["error"]["code"] == "INSUFFICIENT_POINTS" and short.json()["error"]["field"] == "rewardId"
    await _nothing_changed(loyalty_app, customer_id, 200)
    assert await loyalty_app.state.deps.redemptions.collection.count_documents({}) == 0


async def test_inactive_program(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 1000)
    assert (await loyalty_api.put("/loyalty-programs/default", json={"isActive": False})).status_code == 200
    redeem = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                    json={"rewardId": "default-free-shipping"})
    assert redeem.status_code == 409 and redeem.json()["error"]["code"] == "PROGRAM_INACTIVE"
    manual = await loyalty_api.post(f"/customers/{customer_id}/loyalty/points", json={"points": 5, "reason": "x"})
    assert manual.status_code == 409 and manual.json()["error"]["code"] == "PROGRAM_INACTIVE"
    await _nothing_changed(loyalty_app, customer_id, 1000)


async def test_end_before_start_and_unordered_tiers(loyalty_api):
    before = (await loyalty_api.get("/loyalty-programs")).json()["total"]
    cases = [
        ({**PROGRAM, "endDate": "2031-05-01T00:00:00Z"}, 422, "endDate"),
        ({**PROGRAM, "tiers": [{"name": "bronze", "minPoints": 0}, {"name": "silver", "minPoints": 0}]}, 422, "tiers"),
        ({**PROGRAM, "tiers": [{"name": "bronze", "minPoints": 10}]}, 422, "tiers"),
        ({**PROGRAM, "type": "weekly"}, 422, "type"),
        ({**PROGRAM, "startDate": "2031-06-01T00:00:00"}, 422, "startDate"),
        ({**PROGRAM, "rewards": [{"name": "x", "type": "percent_discount", "pointsCost": 10}]}, 422, "rewards.0"),
        ({**PROGRAM, "rewards": [{"name": "x", "type": "gift", "pointsCost": 0}]}, 422, "rewards.0.pointsCost"),
        ({**PROGRAM, "startDate": "2030-01-01T00:00:00Z"} | {"type": "annual"}, 409, "startDate"),  # overlaps default
    ]
    for body, status, field in cases:
        response = await loyalty_api.post("/loyalty-programs", json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["field"] == field, response.text
    assert (await loyalty_api.get("/loyalty-programs")).json()["total"] == before
    assert (await loyalty_api.put("/loyalty-programs/missing", json={"name": "x"})).status_code == 404
