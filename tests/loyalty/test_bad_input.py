"""Bad input gets a clear error with a code and field, and changes nothing."""
from tests.loyalty.support import add_points, ledger_sum, member

PROGRAM = {"name": "Summer", "type": "custom", "startDate": "2031-06-01T00:00:00Z", "endDate": "2031-09-01T00:00:00Z",
           "tiers": [{"name": "bronze", "minPoints": 0}, {"name": "silver", "minPoints": 100, "multiplier": 1.5}]}


async def _nothing_changed(loyalty_app, customer_id: str, balance: int) -> None:
    account = await loyalty_app.state.deps.accounts.get(customer_id)
    assert (account.balance if account else 0) == balance
    assert await ledger_sum(loyalty_app, customer_id) == balance


async def test_unknown_customer(loyalty_api, loyalty_app, customers_app, loyalty_to_customers):
    """Loyalty has not heard of the id, asks the customers service, which has no such customer either: 404."""
    for method, path, body in [("post", "points", {"points": 10, "reason": "x"}),
                               ("post", "redeem", {"rewardId": "default-free-shipping"}), ("get", "", None)]:
        response = await loyalty_api.request(method, f"/customers/nobody/loyalty/{path}".rstrip("/"), json=body)
        assert response.status_code == 404
        assert response.json()["error"] == {"code": "NOT_FOUND", "message": "customer nobody not found",
                                            "field": "customerId"}
    assert loyalty_to_customers.paths == ["/customers/nobody"] * 3  # not kept: a 404 is asked again next time
    assert await loyalty_app.state.deps.accounts.collection.count_documents({}) == 0
    assert await loyalty_app.state.deps.members.get("nobody") is None


async def test_unknown_customer_while_the_customers_service_is_down(loyalty_api, loyalty_app):
    """Nothing listens at this test's customers_url: loyalty can't tell, so 503 (retry), never a 404 or a 500."""
    for method, path, body in [("post", "points", {"points": 10, "reason": "x"}),
                               ("post", "redeem", {"rewardId": "default-free-shipping"}), ("get", "", None)]:
        response = await loyalty_api.request(method, f"/customers/somebody/loyalty/{path}".rstrip("/"), json=body)
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "UNAVAILABLE"
        assert response.json()["error"]["field"] == "customerId"
    assert await loyalty_app.state.deps.members.get("somebody") is None
    known = await member(loyalty_app)  # a customer loyalty knows needs no lookup
    assert (await loyalty_api.get(f"/customers/{known}/loyalty")).status_code == 200


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
