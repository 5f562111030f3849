"""Reward codes at checkout: issued -> consumed (once, by one order) or voided (points and stock back)."""
import asyncio

from tests.loyalty.support import add_points, ledger_sum, member

PROGRAM = "/loyalty-programs/default"


async def _code(loyalty_api, customer_id: str, reward_id: str = "default-5-off") -> str:
    response = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem", json={"rewardId": reward_id})
    assert response.status_code == 201, response.text
    return response.json()["code"]


async def _points(loyalty_api, customer_id: str) -> int:
    return (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"]


async def _ledger(loyalty_api, customer_id: str) -> list[dict]:
    return (await loyalty_api.get(f"/customers/{customer_id}/loyalty/ledger")).json()["items"]


async def test_a_code_is_looked_up_with_its_reward_and_status(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 800)
    code = await _code(loyalty_api, customer_id)
    found = await loyalty_api.get(f"/loyalty/codes/{code}")
    assert found.status_code == 200
    body = found.json()
    assert (body["code"], body["status"], body["customerId"]) == (code, "issued", customer_id)
    assert (body["rewardId"], body["rewardName"], body["type"], body["value"], body["points"]) == \
        ("default-5-off", "5 off your next order", "fixed_discount", 5.0, 500)
    assert body["createdAt"] and body["consumedAt"] is None and body["orderId"] is None and body["voidedAt"] is None
    missing = await loyalty_api.get("/loyalty/codes/JT-NOSUCHCODE00")
    assert missing.status_code == 404
    assert (missing.json()["error"]["code"], missing.json()["error"]["field"]) == ("NOT_FOUND", "code")


async def test_validation_answers_why_a_code_cannot_pay(loyalty_api, loyalty_app):
    customer_id, other = await member(loyalty_app), await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 1000)
    code, spare = await _code(loyalty_api, customer_id), await _code(loyalty_api, customer_id)

    async def validate(on: str, **body) -> dict:
        response = await loyalty_api.post(f"/loyalty/codes/{on}/validate", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    assert (await validate(code, customerId=customer_id, orderTotal=5))["valid"] is True
    assert (await validate(code))["valid"] is True
    assert await validate(code, customerId=other) == {"code": code, "valid": False, "reason": "other_customer",
                                                     "status": "issued"}
    below = await validate(code, customerId=customer_id, orderTotal=4.99)  # a 5.00 discount needs 5.00 to take off
    assert (below["valid"], below["reason"]) == (False, "order_total_below_value")

    await loyalty_api.post(f"/loyalty/codes/{code}/consume", json={"orderId": "order-1"})
    assert (await validate(code, customerId=customer_id))["reason"] == "consumed"
    await loyalty_api.post(f"/loyalty/codes/{spare}/void", json={"reason": "Customer changed their mind"})
    assert (await validate(spare, customerId=customer_id))["reason"] == "voided"

    bad = await loyalty_api.post(f"/loyalty/codes/{code}/validate", json={"orderTotal": -1})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "orderTotal"
    unknown = await loyalty_api.post("/loyalty/codes/JT-NOSUCHCODE00/validate", json={})
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "code"


async def test_a_code_is_consumed_once_by_one_order(loyalty_api, loyalty_app):
    customer_id, other = await member(loyalty_app), await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 500)
    code = await _code(loyalty_api, customer_id)

    wrong_customer = await loyalty_api.post(f"/loyalty/codes/{code}/consume",
                                            json={"orderId": "order-7", "customerId": other})
    assert wrong_customer.status_code == 409 and wrong_customer.json()["error"]["field"] == "customerId"

    first = await loyalty_api.post(f"/loyalty/codes/{code}/consume",
                                   json={"orderId": "order-7", "customerId": customer_id})
    assert first.status_code == 200
    assert (first.json()["status"], first.json()["orderId"]) == ("consumed", "order-7")
    again = await loyalty_api.post(f"/loyalty/codes/{code}/consume", json={"orderId": "order-7"})
    assert again.status_code == 200 and again.json() == first.json()  # the same order asking again: same answer

    another = await loyalty_api.post(f"/loyalty/codes/{code}/consume", json={"orderId": "order-8"})
    assert another.status_code == 409
    assert (another.json()["error"]["code"], another.json()["error"]["field"]) == ("CONFLICT", "code")
    void = await loyalty_api.post(f"/loyalty/codes/{code}/void", json={"reason": "too late"})
    assert void.status_code == 409 and void.json()["error"]["field"] == "code"
    looked_up = (await loyalty_api.get(f"/loyalty/codes/{code}")).json()
    assert (looked_up["status"], looked_up["orderId"]) == ("consumed", "order-7") and looked_up["consumedAt"]
    assert await _points(loyalty_api, customer_id) == 0  # consuming moves no points: the redemption did


async def test_twenty_concurrent_consumes_with_different_orders_have_one_winner(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 500)
    code = await _code(loyalty_api, customer_id)
    responses = await asyncio.gather(*(
        loyalty_api.post(f"/loyalty/codes/{code}/consume", json={"orderId": f"order-{i}"}) for i in range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 19, statuses
    winner = next(r.json()["orderId"] for r in responses if r.status_code == 200)
    assert (await loyalty_api.get(f"/loyalty/codes/{code}")).json()["orderId"] == winner
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"CONFLICT"}


async def test_voiding_gives_the_points_back_once_with_an_entry_of_its_own(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 800)
    code = await _code(loyalty_api, customer_id)
    assert await _points(loyalty_api, customer_id) == 300
    voided = await loyalty_api.post(f"/loyalty/codes/{code}/void", json={"reason": "Order cancelled at checkout"})
    assert voided.status_code == 200
    assert (voided.json()["status"], voided.json()["voidReason"]) == ("voided", "Order cancelled at checkout")
    assert voided.json()["voidedAt"]
    again = await loyalty_api.post(f"/loyalty/codes/{code}/void", json={"reason": "clicked twice"})
    assert again.status_code == 200 and again.json() == voided.json()

    assert await _points(loyalty_api, customer_id) == 800
    entries = await _ledger(loyalty_api, customer_id)
    assert [e["kind"] for e in entries] == ["void", "redeem", "adjust"]  # voiding twice wrote one entry
    void_entry, redeem_entry = entries[0], entries[1]
    assert void_entry["points"] == 500 and void_entry["balanceAfter"] == 800
    assert void_entry["redemptionId"] == redeem_entry["redemptionId"] == voided.json()["id"]
    assert void_entry["expiresAt"] is None  # points given back are not new points
    assert await ledger_sum(loyalty_app, customer_id) == 800
    account = await loyalty_app.state.deps.accounts.get(customer_id)
    assert account.credited - account.debited == account.balance == 800
    assert account.qualifying_points == 800 and account.lifetime_points == 800

    consume = await loyalty_api.post(f"/loyalty/codes/{code}/consume", json={"orderId": "order-1"})
    assert consume.status_code == 409 and consume.json()["error"]["field"] == "code"
    changed = await loyalty_app.state.runtime.outbox.collection.count_documents(
        {"routingKey": "loyalty.points.changed", "body": {"$regex": customer_id}})
    assert changed == 3  # credit, redemption, void
    bad = await loyalty_api.post(f"/loyalty/codes/{code}/void", json={"reason": ""})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "reason"


async def test_voiding_a_limited_reward_puts_its_unit_back(loyalty_api, loyalty_app):
    program = (await loyalty_api.get(PROGRAM)).json()
    rewards = [{k: v for k, v in r.items() if k != "stockRemaining"} for r in program["rewards"]]
    rewards.append({"id": "mug", "name": "Mug", "type": "gift", "pointsCost": 100, "stock": 1})
    assert (await loyalty_api.put(PROGRAM, json={"rewards": rewards})).status_code == 200
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 1000)
    code = await _code(loyalty_api, customer_id, "mug")
    sold_out = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem", json={"rewardId": "mug"})
    assert sold_out.status_code == 409
    assert (await loyalty_api.post(f"/loyalty/codes/{code}/void", json={"reason": "wrong size"})).status_code == 200
    mug = next(r for r in (await loyalty_api.get(PROGRAM)).json()["rewards"] if r["id"] == "mug")
    assert mug["stockRemaining"] == 1
    assert (await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem", json={"rewardId": "mug"})) \
        .status_code == 201


async def test_consume_and_void_at_the_same_moment_one_wins(loyalty_api, loyalty_app):
    for _ in range(3):
        customer_id = await member(loyalty_app)
        await add_points(loyalty_api, customer_id, 500)
        code = await _code(loyalty_api, customer_id)
        consumed, voided = await asyncio.gather(
            loyalty_api.post(f"/loyalty/codes/{code}/consume", json={"orderId": "order-1"}),
            loyalty_api.post(f"/loyalty/codes/{code}/void", json={"reason": "race"}))
        assert sorted([consumed.status_code, voided.status_code]) == [200, 409], (consumed.text, voided.text)
        status = (await loyalty_api.get(f"/loyalty/codes/{code}")).json()["status"]
        kinds = [e["kind"] for e in await _ledger(loyalty_api, customer_id)]
        if consumed.status_code == 200:
            assert status == "consumed" and "void" not in kinds and await _points(loyalty_api, customer_id) == 0
        else:
            assert status == "voided" and kinds[0] == "void" and await _points(loyalty_api, customer_id) == 500


async def test_a_voided_code_gives_back_points_that_keep_their_expiry(loyalty_api, loyalty_app):
    """Redeeming and voiding must not turn old points into new ones: the void undoes the debit."""
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 500, "old")
    await add_points(loyalty_api, customer_id, 200, "newer")
    code = await _code(loyalty_api, customer_id)  # 500 from the oldest credit
    assert (await loyalty_api.post(f"/loyalty/codes/{code}/void", json={"reason": "undo"})).status_code == 200
    old = await loyalty_app.state.deps.ledger.collection.find_one({"customerId": customer_id, "reason": "old"})
    run = (await loyalty_api.post("/loyalty/jobs/expire-points/run", json={"now": old["expiresAt"].isoformat()}))
    assert run.json()["result"] == {"accounts": 1, "points": 500}
    assert await _points(loyalty_api, customer_id) == 200


async def test_a_code_issued_before_statuses_existed_counts_as_issued(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 500)
    code = await _code(loyalty_api, customer_id)
    await loyalty_app.state.deps.redemptions.collection.update_one(
        {"code": code}, {"$unset": {"status": "", "stockTaken": ""}})
    assert (await loyalty_api.get(f"/loyalty/codes/{code}")).json()["status"] == "issued"
    consumed = await loyalty_api.post(f"/loyalty/codes/{code}/consume", json={"orderId": "order-1"})
    assert consumed.status_code == 200 and consumed.json()["status"] == "consumed"
