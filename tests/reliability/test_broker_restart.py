"""RabbitMQ restarted in the middle of a storefront's burst of orders: nothing lost, nothing counted twice."""
import asyncio
import time

import pytest

from tests.conftest import eventually
from tests.reliability.support.storefront import customers_for, order_burst, publish

pytestmark = [pytest.mark.reliability, pytest.mark.slow]


async def test_broker_restart_during_a_burst_loses_and_doubles_nothing(stack, own_broker, burst_size):
    await stack.start("customers")
    await stack.start("loyalty")
    burst = order_burst(await stack.create_customers(customers_for(burst_size)), burst_size)
    half = burst_size // 2
    started = time.monotonic()
    await publish(stack.amqp_url, stack.exchange, burst.messages[:half])

    # Restart once both services are busy with the burst, while the storefront still publishes its second half
    # (what the broker had not confirmed when it went down is sent again).
    async def busy() -> bool:
        customers, loyalty = await stack.progress()
        return min(customers, loyalty) >= min(50, half // 4)
    await eventually(busy, timeout=120, what="both services to be handling the burst")
    before = await stack.progress()
    restarts = own_broker.restarts
    await asyncio.gather(own_broker.restart(),
                         publish(stack.amqp_url, stack.exchange, burst.messages[half:], timeout=600))
    assert own_broker.restarts == restarts + 1
    assert max(before) < burst_size, "the restart came after everything was handled: it proved nothing"

    # Each process notices by itself and reconnects: ready again means its consumer is registered again.
    await asyncio.gather(*(p.wait_ready(timeout=60) for p in stack.all()))
    # Loyalty's relay had to reconnect too, for customers to show the points.
    await stack.expect_exact(burst, started, f"through a broker restart at {before}")
