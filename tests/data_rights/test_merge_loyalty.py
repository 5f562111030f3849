"""customer.merged in loyalty, through the real consume path: the balance moves once through ledger entries on both
accounts, lifetime points combine, the tier is recalculated, open codes follow, analytics stay as they were."""
import json
import uuid

from shared.events import contracts
from tests.loyalty.support import add_points, deliver, member, order_paid, order_refunded

FLOWS = ("pointsIssued", "pointsRedeemed", "pointsExpired", "pointsClawedBack", "pointsDeducted",
         "pointsOutstanding", "clawbackShortfall")


async def _account(loyalty_api, customer_id: str) -> dict:
    found = await loyalty_api.get("/loyalty/accounts", params={"customerIds": customer_id})
    assert found.status_code == 200, found.text
    return found.json()[customer_id]


async def _ledger(loyalty_app, customer_id: str) -> list[dict]:
    return await loyalty_app.state.deps.ledger.collection.find({"customerId": customer_id}).sort(
        "createdAt", 1).to_list()


async def _analytics(loyalty_api) -> dict:
    report = (await loyalty_api.get("/loyalty-programs/default/analytics")).json()
    return {key: report[key] for key in FLOWS}


async def test_a_merge_moves_the_balance_once_and_recalculates_the_tier(loyalty_api, loyalty_app):
    kept, merged = await member(loyalty_app), await member(loyalty_app)
    await add_points(loyalty_api, kept, 1000)  # silver
    await add_points(loyalty_api, merged, 700)  # silver
    redeemed = await loyalty_api.post(f"/customers/{merged}/loyalty/redeem", json={"rewardId": "default-free-shipping"})
    assert redeemed.status_code == 201, redeemed.text
    code = redeemed.json()["code"]
    before = await _analytics(loyalty_api)
    assert before["pointsIssued"] == 1700 and before["pointsRedeemed"] == 300 and before["pointsOutstanding"] == 1400

    event = contracts.CustomerMerged(keptId=kept, mergedId=merged)
    await deliver(loyalty_app, event)
    await deliver(loyalty_app, event)  # published twice (a new envelope id each time)
    first = await deliver(loyalty_app, contracts.CustomerMerged(keptId=kept, mergedId=merged))
    await deliver(loyalty_app, event, event_id=first.id)  # the same envelope redelivered

    kept_account, merged_account = await _account(loyalty_api, kept), await _account(loyalty_api, merged)
    assert kept_account["points"] == 1400 and kept_account["lifetimePoints"] == 1700
    assert kept_account["qualifyingPoints"] == 1700 and kept_account["tier"] == "gold"
    assert merged_account["points"] == 0 and merged_account["lifetimePoints"] == 0
    assert merged_account["tier"] == "bronze"

    out = [e for e in await _ledger(loyalty_app, merged) if e["kind"] == "merge_out"]
    into = [e for e in await _ledger(loyalty_app, kept) if e["kind"] == "merge_in"]
    assert len(out) == 1 and len(into) == 1
    assert out[0]["points"] == -400 and out[0]["balanceAfter"] == 0 and out[0]["mergedId"] == merged
    assert into[0]["points"] == 400 and into[0]["balanceAfter"] == 1400 and into[0]["mergedId"] == merged
    assert merged in into[0]["reason"] and kept in into[0]["reason"]
    # The moved points keep the expiry of the merged customer's newest credit.
    credits = [e for e in await _ledger(loyalty_app, merged) if e["kind"] == "adjust"]
    assert into[0]["expiresAt"] == credits[-1]["expiresAt"]

    # Published through the posting path: the points change on both, the tier change on the kept customer.
    outbox = [json.loads(r["body"]) for r in await loyalty_app.state.runtime.outbox.collection.find(
        {"routingKey": {"$in": ["loyalty.points.changed", "loyalty.tier.changed"]}}).to_list()]
    moves = [e["data"] for e in outbox if e["type"] == "loyalty.points.changed" and "merged" in e["data"]["reason"]]
    assert sorted((m["customerId"], m["delta"], m["balance"]) for m in moves) == sorted(
        [(merged, -400, 0), (kept, 400, 1400)])
    tiers = [e["data"] for e in outbox if e["type"] == "loyalty.tier.changed"]
    assert any(t["customerId"] == kept and (t["previousTier"], t["tier"]) == ("silver", "gold") for t in tiers)

    # Moving points is neither issuing nor redeeming: the program's figures are the same.
    assert await _analytics(loyalty_api) == before

    # The open code follows the person; the merged id takes no more points.
    consumed = await loyalty_api.post(f"/loyalty/codes/{code}/consume", json={"orderId": "o-1", "customerId": kept})
    assert consumed.status_code == 200, consumed.text
    refused = await loyalty_api.post(f"/customers/{merged}/loyalty/points", json={"points": 5, "reason": "x"})
    assert refused.status_code == 404 and refused.json()["error"]["field"] == "customerId"


async def test_a_merged_customer_without_an_account_moves_nothing(loyalty_api, loyalty_app):
    kept, merged = await member(loyalty_app), str(uuid.uuid4())
    await add_points(loyalty_api, kept, 100)
    await deliver(loyalty_app, contracts.CustomerMerged(keptId=kept, mergedId=merged))
    assert (await _account(loyalty_api, kept))["points"] == 100
    assert [e["kind"] for e in await _ledger(loyalty_app, kept)] == ["adjust"]
    assert await _ledger(loyalty_app, merged) == []


async def test_a_refund_after_the_merge_takes_back_from_the_kept_account(loyalty_api, loyalty_app):
    kept, merged = await member(loyalty_app), await member(loyalty_app)
    order = order_paid(merged, 30_000)  # 300 points, earned by the merged customer
    await deliver(loyalty_app, order)
    await deliver(loyalty_app, contracts.CustomerMerged(keptId=kept, mergedId=merged))
    assert (await _account(loyalty_api, kept))["points"] == 300
    # The customers service moved the order too: its refund names the kept customer.
    await deliver(loyalty_app, order_refunded(kept, order.order_id, 30_000))
    account = await _account(loyalty_api, kept)
    assert account["points"] == 0 and account["lifetimePoints"] == 0 and account["shortfall"] == 0
    assert [e["kind"] for e in await _ledger(loyalty_app, kept)] == ["merge_in", "clawback"]
