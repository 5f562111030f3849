"""The loyalty process killed (SIGKILL) while it handles a burst, then started again: no point lost or doubled.
And what such a kill leaves behind, an open transaction, doesn't get good events parked. The storefront's orders
reach loyalty through the customers service (order.placed -> order.paid), which keeps running."""
import time

import pytest

from tests.conftest import eventually
from tests.reliability.support.ledger import pending_outbox
from tests.reliability.support.stack import allowed_seconds
from tests.reliability.support.storefront import customers_for, order_burst, publish

pytestmark = pytest.mark.reliability


@pytest.mark.slow
async def test_loyalty_killed_mid_burst_credits_every_order_once(stack, burst_size):
    await stack.start("customers")
    [loyalty] = await stack.start("loyalty")
    burst = order_burst(await stack.create_customers(customers_for(burst_size)), burst_size)
    started = time.monotonic()
    await publish(stack.amqp_url, stack.exchange, burst.messages)

    async def a_quarter_handled() -> bool:
        return (await stack.progress())[1] >= burst_size // 4
    await eventually(a_quarter_handled, timeout=allowed_seconds(burst_size), what="a quarter of the burst handled")
    loyalty.kill()  # with up to a prefetch of deliveries unacked and transactions open
    at_kill = (await stack.progress())[1]
    assert at_kill < burst_size, "killed after everything was handled: it proved nothing"

    await loyalty.start()  # same queue, same database: the broker redelivers what was unacked
    await stack.expect_exact(burst, started, f"through a SIGKILL at {at_kill}")
    loyalty_db = stack.db("loyalty")

    async def relayed() -> bool:  # events committed before the kill but not yet published go out after the restart
        return await pending_outbox(loyalty_db) == 0
    await eventually(relayed, timeout=60, what="loyalty's outbox to drain after the restart")
    # One points-changed event per credit: the redelivered orders that were already committed added none.
    assert await loyalty_db["outbox"].count_documents({"routingKey": "loyalty.points.changed"}) == burst_size


async def test_events_wait_for_a_transaction_a_killed_process_left_open(stack):
    """A killed process's open transaction keeps its document locks until the database aborts it (about a minute,
    on SecantusDB as on MongoDB). Events on those documents conflict until then: they must be held and retried,
    not requeued until the queue's delivery limit parks them."""
    # A low delivery limit and few retries per delivery: without holding, the events would be parked in seconds.
    await stack.start("customers")
    [loyalty] = await stack.start("loyalty", delivery_limit=2, transaction_attempts=3)
    [customer_id] = await stack.create_customers(1)
    burst = order_burst([customer_id], 4)
    await publish(stack.amqp_url, stack.exchange, burst.messages[:1])
    await eventually(lambda: _earned(stack, 1), what="the first order credited")
    parked: list = []

    async with stack.mongo.start_session() as session:
        await session.start_transaction()  # as the killed process left it: a write done, never committed
        await stack.db("loyalty")["accounts"].update_one({"_id": customer_id}, {"$set": {"touchedBy": "dead"}},
                                                         session=session)
        await publish(stack.amqp_url, stack.exchange, burst.messages[1:])

        async def conflicted_long_enough() -> bool:
            # Three holds (backoff 0.5, 1, 2 s) outlast three deliveries; a parked event ends the wait early.
            parked.extend(await stack.parked("loyalty"))
            return loyalty.log_text().count("holding the event") >= 3 or bool(parked)
        await eventually(conflicted_long_enough, timeout=90, what="the events to meet the open transaction")
        await session.abort_transaction()

    assert parked == []
    await eventually(lambda: _earned(stack, 4), timeout=60, what="every order credited once the locks are gone")
    assert await stack.problems(burst) == []


async def _earned(stack, count: int) -> bool:
    return (await stack.progress())[1] == count
