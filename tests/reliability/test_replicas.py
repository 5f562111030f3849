"""Three loyalty and two customers replicas on one queue each: every order counted once, each due job run once."""
import asyncio
import time
from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.reliability.support.ledger import expired_once_problems
from tests.reliability.support.storefront import customers_for, order_burst, publish

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
CALLS_PER_REPLICA = 2


async def test_replicas_share_the_burst_exactly(stack, burst_size):
    customers = await stack.start("customers", replicas=2)
    # Credits expire after a day, so a run "two days later" has something due; every replica's scheduler ticks.
    loyalty = await stack.start("loyalty", replicas=3, points_expiry_days=1, scheduler_interval_seconds=1)
    burst = order_burst(await stack.create_customers(customers_for(burst_size)), burst_size)
    started = time.monotonic()
    await publish(stack.amqp_url, stack.exchange, burst.messages)
    await stack.expect_exact(burst, started, "through 2 customers and 3 loyalty replicas")
    assert await _replicas_that_handled(loyalty, "order.paid") == 3, "not every loyalty replica took part"
    assert await _replicas_that_handled(customers, "order.placed") == 2, "not every customers replica took part"

    # Every replica is asked to run the expiry at once, twice: one of the six runs it, the others see the claim.
    later = (datetime.now(timezone.utc) + timedelta(days=2)).replace(hour=12, minute=0)  # an hour on is that day
    runs = await _run_everywhere(loyalty, "expire-points", later)
    assert [r["ran"] for r in runs].count(True) == 1, runs
    [ran] = [r for r in runs if r["ran"]]
    assert ran["result"] == {"accounts": len(burst.points), "points": sum(burst.points.values())}
    assert await expired_once_problems(stack.db("loyalty"), burst) == []
    again = await _run_everywhere(loyalty, "expire-points", later + timedelta(hours=1))
    assert not any(r["ran"] for r in again), "the same day's expiry ran a second time"

    next_quarter = later + timedelta(days=100)  # a quarter is at most 92 days
    resets = await _run_everywhere(loyalty, "tier-reset", next_quarter)
    assert [r["result"] for r in resets if r["ran"]] == [{"accounts": len(burst.points), "tierChanges": 0}]

    # The schedulers ticked all along on all three: today's runs were claimed and finished once.
    jobs = stack.db("loyalty")["jobs"]
    today = datetime.now(timezone.utc).date().isoformat()
    claim = await jobs.find_one({"_id": f"expire-points:{today}"})
    assert claim is not None and claim["status"] == "done"


async def _run_everywhere(replicas, job: str, now: datetime) -> list[dict]:
    async def call(replica) -> dict:
        async with replica.client(timeout=300) as api:
            response = await api.post(f"/loyalty/jobs/{job}/run", json={"now": now.isoformat()})
            assert response.status_code == 200, response.text
            return response.json()
    return await asyncio.gather(*(call(r) for r in replicas for _ in range(CALLS_PER_REPLICA)))


async def _replicas_that_handled(replicas, event_type: str) -> int:
    """How many of the replicas handled some event of the type (from each one's metrics)."""
    busy = 0
    for replica in replicas:
        async with replica.client() as api:
            text = (await api.get("/metrics")).text
        handled = sum(sample.value for family in text_string_to_metric_families(text)
                      if family.name == "events_consumed" for sample in family.samples
                      if sample.labels.get("type") == event_type and sample.labels.get("outcome") == "handled")
        busy += handled > 0
    return busy
