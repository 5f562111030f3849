"""Per-item returns take back the points of exactly the returned items; a refund takes back what is left."""
import uuid

import pytest
from pymongo.errors import DuplicateKeyError

from tests.loyalty.support import deliver, items_returned, ledger_sum, member, order_paid, order_refunded


async def _account(loyalty_api, customer_id: str) -> dict:
    return (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()


async def _clawbacks(app, order_id: str) -> list[tuple]:
    entries = await app.state.deps.ledger.collection.find({"orderId": order_id, "kind": "clawback"}) \
        .sort("createdAt").to_list()
    return [(e["points"], e.get("shortfall"), e.get("returnId"), e.get("returnedMinor")) for e in entries]


async def test_each_return_takes_its_share_and_all_of_them_take_back_exactly_the_earn(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    order = order_paid(customer_id, 333_00)  # E = 333 on B = 333.00
    await deliver(loyalty_app, order)
    earn = await loyalty_app.state.deps.ledger.collection.find_one({"orderId": order.order_id, "kind": "earn"})
    assert earn["points"] == 333 and earn["baseMinor"] == 333_00

    # floor(333 x 100/333) = 100; then floor(333 x 200/333) = 200, so 100 more; then the rest, 133.
    first, second, last = items_returned(order, 100_00), items_returned(order, 100_00), items_returned(order, 133_00)
    await deliver(loyalty_app, first)
    await deliver(loyalty_app, first)  # the same return again, in a new envelope: applied once
    await deliver(loyalty_app, second)
    assert (await _account(loyalty_api, customer_id))["points"] == 133
    await deliver(loyalty_app, last)

    assert await _clawbacks(loyalty_app, order.order_id) == [
        (-100, 0, first.return_id, 100_00), (-100, 0, second.return_id, 100_00), (-133, 0, last.return_id, 133_00)]
    account = await _account(loyalty_api, customer_id)
    assert account["points"] == 0 and account["lifetimePoints"] == 0 and account["qualifyingPoints"] == 0
    await deliver(loyalty_app, order_refunded(customer_id, order.order_id, 333_00))  # nothing is left to take
    assert len(await _clawbacks(loyalty_app, order.order_id)) == 3
    assert await ledger_sum(loyalty_app, customer_id) == 0


async def test_rounding_is_on_the_running_total_not_on_each_return(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    order = order_paid(customer_id, 10_00)  # E = 10 on B = 10.00
    await deliver(loyalty_app, order)
    for _ in range(3):  # each 0.50 alone is floor(0.5) = 0 points; together 1.50 takes floor(1.5) = 1
        await deliver(loyalty_app, items_returned(order, 50))
    assert [points for points, *_ in await _clawbacks(loyalty_app, order.order_id)] == [-1]
    assert (await _account(loyalty_api, customer_id))["points"] == 9


async def test_a_refund_after_partial_returns_takes_only_what_is_left(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    order = order_paid(customer_id, 450_00)  # 450 points
    await deliver(loyalty_app, order)
    await deliver(loyalty_app, items_returned(order, 150_00))  # floor(450 x 150/450) = 150
    spent = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                   json={"rewardId": "default-free-shipping"})
    assert spent.status_code == 201  # 300 points: the balance is 0
    refund = order_refunded(customer_id, order.order_id, 450_00)
    await deliver(loyalty_app, refund)
    await deliver(loyalty_app, refund)  # again in a new envelope: once

    assert [(points, shortfall) for points, shortfall, *_ in await _clawbacks(loyalty_app, order.order_id)] == [
        (-150, 0), (0, 300)]  # the 300 the refund takes back are all shortfall: the balance never goes below zero
    account = await _account(loyalty_api, customer_id)
    assert account["points"] == 0 and account["shortfall"] == 300 and account["lifetimePoints"] == 0
    await deliver(loyalty_app, items_returned(order, 300_00))  # a return after the refund takes nothing more
    assert len(await _clawbacks(loyalty_app, order.order_id)) == 2
    assert await ledger_sum(loyalty_app, customer_id) == 0


async def test_a_return_beyond_the_balance_records_the_shortfall(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    order = order_paid(customer_id, 400_00)
    await deliver(loyalty_app, order)
    assert (await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                   json={"rewardId": "default-free-shipping"})).status_code == 201  # 100 left
    await deliver(loyalty_app, items_returned(order, 200_00))  # takes back 200: 100 from the balance, 100 short
    account = await _account(loyalty_api, customer_id)
    assert account["points"] == 0 and account["shortfall"] == 100 and account["lifetimePoints"] == 200
    assert [(p, s) for p, s, *_ in await _clawbacks(loyalty_app, order.order_id)] == [(-100, 100)]


async def test_returns_of_an_order_that_earned_nothing_take_nothing(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    unknown = order_paid(customer_id, 100_00)  # never paid as far as loyalty knows
    await deliver(loyalty_app, items_returned(unknown, 50_00))
    await deliver(loyalty_app, order_paid(customer_id, 200_00))
    assert (await _account(loyalty_api, customer_id))["points"] == 200
    assert await _clawbacks(loyalty_app, unknown.order_id) == []


async def test_a_refund_that_comes_before_the_payment_keeps_the_order_from_earning(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    order = order_paid(customer_id, 100_00)
    await deliver(loyalty_app, order_refunded(customer_id, order.order_id, 100_00))
    await deliver(loyalty_app, order)  # the events were reordered on the way
    assert (await _account(loyalty_api, customer_id))["points"] == 0
    assert await ledger_sum(loyalty_app, customer_id) == 0


async def test_the_ledger_index_allows_many_returns_but_one_earn_and_one_refund_per_order(loyalty_app):
    ledger = loyalty_app.state.deps.ledger
    await ledger.collection.drop_indexes()
    await ledger.collection.create_index([("orderId", 1), ("kind", 1)], unique=True,  # as before per-item returns
                                         partialFilterExpression={"orderId": {"$type": "string"}})
    await ledger.ensure_indexes()  # a service starting on the old index replaces it

    def entry(kind: str, **extra) -> dict:
        return {"_id": str(uuid.uuid4()), "customerId": "c", "orderId": "o-1", "kind": kind, "points": 0, **extra}
    await ledger.collection.insert_many([entry("earn"), entry("clawback", returnId="r-1"),
                                         entry("clawback", returnId="r-2"), entry("clawback")])
    for again in (entry("earn"), entry("clawback"), entry("clawback", returnId="r-1")):
        with pytest.raises(DuplicateKeyError):
            await ledger.collection.insert_one(again)
    assert await ledger.collection.count_documents({"orderId": "o-1"}) == 4
