"""Redemptions: unique codes, stock, and no double spend under concurrent requests."""
import asyncio
import time

from tests.loyalty.support import add_points, ledger_sum, member

PROGRAM = "/loyalty-programs/default"


async def test_hundred_concurrent_redemptions_against_ten_covered_give_ten(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 3000)  # covers 10 x free shipping (300)
    started = time.monotonic()
    responses = await asyncio.gather(*(
        loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem", json={"rewardId": "default-free-shipping"})
        for _ in range(100)))
    elapsed = time.monotonic() - started
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 10 + [409] * 90, codes
    refused = [r.json()["error"] for r in responses if r.status_code == 409]
    assert {e["code"] for e in refused} == {"INSUFFICIENT_POINTS"}
    issued = {r.json()["code"] for r in responses if r.status_code == 201}
    assert len(issued) == 10
    account = (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()
    assert account["points"] == 0
    assert await ledger_sum(loyalty_app, customer_id) == 0
    assert await loyalty_app.state.deps.redemptions.collection.count_documents({"customerId": customer_id}) == 10
    print(f"100 concurrent redemptions in {elapsed:.2f} s")


async def test_redemption_issues_a_code_and_takes_stock(loyalty_api, loyalty_app):
    program = (await loyalty_api.get(PROGRAM)).json()
    rewards = [{k: v for k, v in r.items() if k != "stockRemaining"} for r in program["rewards"]]
    rewards.append({"id": "tote", "name": "Canvas tote", "type": "gift", "pointsCost": 100, "stock": 2})
    assert (await loyalty_api.put(PROGRAM, json={"rewards": rewards})).status_code == 200
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 1000)
    first = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem", json={"rewardId": "tote"})
    assert first.status_code == 201
    body = first.json()
    assert body["code"].startswith("JT-") and body["points"] == 100 and body["balance"] == 900
    assert body["type"] == "gift" and body["rewardName"] == "Canvas tote"
    await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem", json={"rewardId": "tote"})
    third = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem", json={"rewardId": "tote"})
    assert third.status_code == 409 and third.json()["error"]["code"] == "REWARD_UNAVAILABLE"
    account = (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()
    assert account["points"] == 800  # the refused third redemption took nothing
    tote = next(r for r in (await loyalty_api.get(PROGRAM)).json()["rewards"] if r["id"] == "tote")
    assert tote["stockRemaining"] == 0
    outbox = loyalty_app.state.runtime.outbox.collection
    assert await outbox.count_documents({"routingKey": "loyalty.reward.redeemed"}) == 2


async def test_same_request_id_redeems_once(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 1000)
    body = {"rewardId": "default-free-shipping", "requestId": "checkout-42"}
    first = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem", json=body)
    again = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem", json=body)
    assert first.json()["code"] == again.json()["code"]
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"] == 700
