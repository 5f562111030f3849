"""Manual points and the ledger: every change an entry, balance and lifetime consistent with it."""
import json

from tests.loyalty.support import add_points, ledger_sum, member


async def test_manual_points_are_a_ledger_entry_with_reason(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    result = await add_points(loyalty_api, customer_id, 100, "Purchase bonus")
    assert result["entry"]["kind"] == "adjust" and result["entry"]["reason"] == "Purchase bonus"
    assert result["entry"]["points"] == 100 and result["entry"]["sourceType"] == "request"
    assert result["account"]["points"] == 100 and result["account"]["lifetimePoints"] == 100
    assert result["account"]["nextTier"] == {"name": "silver", "remaining": 400}
    await add_points(loyalty_api, customer_id, 450, "Apology")
    account = (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()
    assert account["points"] == 550 and account["tier"] == "silver"
    assert account["nextTier"] == {"name": "gold", "remaining": 950}
    assert await ledger_sum(loyalty_app, customer_id) == 550
    ledger = (await loyalty_api.get(f"/customers/{customer_id}/loyalty/ledger?limit=1")).json()
    assert ledger["total"] == 2 and ledger["items"][0]["reason"] == "Apology"
    assert ledger["items"][0]["balanceAfter"] == 550


async def test_points_changes_go_to_the_outbox(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 600)
    outbox = loyalty_app.state.runtime.outbox.collection
    records = await outbox.find({}).sort("routingKey", 1).to_list()
    assert [r["routingKey"] for r in records] == ["loyalty.points.changed", "loyalty.tier.changed"]
    points, tier = (json.loads(r["body"])["data"] for r in records)
    assert points == {"customerId": customer_id, "delta": 600, "balance": 600, "lifetimePoints": 600,
                      "reason": "Purchase bonus", "entryId": points["entryId"], "accountVersion": 1}
    assert tier == {"customerId": customer_id, "previousTier": None, "tier": "silver", "accountVersion": 1}


async def test_the_same_request_id_credits_once_also_when_sent_concurrently(loyalty_api, loyalty_app):
    import asyncio
    customer_id = await member(loyalty_app)
    body = {"points": 40, "reason": "Segment bonus", "requestId": "bulk-job-7:customer"}
    responses = await asyncio.gather(*(loyalty_api.post(f"/customers/{customer_id}/loyalty/points", json=body)
                                       for _ in range(5)))
    assert [r.status_code for r in responses] == [201] * 5
    assert {r.json()["entry"]["id"] for r in responses} == {responses[0].json()["entry"]["id"]}
    account = (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()
    assert account["points"] == 40
    assert await ledger_sum(loyalty_app, customer_id) == 40
