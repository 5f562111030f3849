"""Poison messages reaching a running service are parked with a reason; the good ones around them count. A
storefront's order.placed goes to the customers service, so that is where its poison lands; the good orders go on
to loyalty (order.paid) and are credited."""

import pytest

from shared.events.envelope import Envelope
from tests.conftest import eventually
from tests.reliability.support.dead_letters import take_parked
from tests.reliability.support.storefront import Outgoing, order_burst, publish

pytestmark = pytest.mark.reliability

ORDER = {"orderId": "p-1", "customerId": "c-1", "items": [], "totalMinor": 100, "currency": "USD",
         "placedAt": "2026-01-01T00:00:00Z"}


def _poison() -> dict[str, Outgoing]:
    """Reason fragment expected -> message; all routed as order.placed, which the customers queue is bound to."""
    def envelope(**fields) -> bytes:
        return Envelope(source="storefront", **fields).to_json()
    return {
        "malformed envelope": Outgoing("order.placed", b'{"id": "x", "type": "order.placed", "data": {', "m-1"),
        "does not handle order.teleported": Outgoing("order.placed", envelope(type="order.teleported", data=ORDER),
                                                     "m-2"),
        "unknown event order.placed v99": Outgoing("order.placed", envelope(type="order.placed", version=99,
                                                                            data=ORDER), "m-3"),
        "validation error": Outgoing("order.placed", envelope(type="order.placed", data={"orderId": "p-2"}), "m-4"),
    }


async def test_poison_is_parked_with_a_reason_and_good_events_go_on(stack):
    [customers] = await stack.start("customers")
    await stack.start("loyalty")
    burst = order_burst(await stack.create_customers(3), 60)
    poison = _poison()
    # Good orders before and after the poison, on one channel in this order.
    await publish(stack.amqp_url, stack.exchange, burst.messages[:30] + list(poison.values()) + burst.messages[30:],
                  window=1)
    queue = f"{stack.namespace}.customers"
    parked: list[tuple[str, bytes]] = []

    async def all_parked() -> bool:
        parked.extend(await take_parked(stack.amqp_url, queue))
        return len(parked) >= len(poison)
    await eventually(all_parked, timeout=60, what="the poison messages in the parking lot")

    async def good_handled() -> bool:
        return (await stack.progress())[1] == len(burst.order_ids)
    await eventually(good_handled, timeout=60, what="every good order credited")
    assert await stack.problems(burst) == []
    reasons = [reason for reason, _ in parked]
    for fragment, message in poison.items():
        matching = [body for reason, body in parked if fragment in reason]
        assert matching == [message.body], f"{fragment!r} not among the reasons {reasons}"
    assert len(parked) == len(poison)
    await customers.wait_ready(timeout=5)  # still consuming: the poison cost it nothing
    assert await take_parked(stack.amqp_url, queue) == []
