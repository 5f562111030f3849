"""A batch of storefront order.placed events handled set-based in one transaction ends exactly as the same events
handled one by one: totals, timeline, segment membership and the events published."""
import re
from collections import Counter
from datetime import datetime, timezone

import pytest

from shared.bus.consumer import PoisonMessage
from shared.bus.publisher import Publisher
from shared.errors import NotFound
from tests.conftest import eventually
from tests.customers.order_support import from_storefront, new_customer, published, storefront_order
from tests.reliability.support.dead_letters import take_parked
from tests.segments.helpers import wait_ready

TOTALS = ("totalSpent", "totalOrders", "averageOrderValue", "lastPurchaseDate")


def _orders(customers: list[str], prefix: str):
    """Three orders of the first customer (the second one pending) and one of the second, then the first again."""
    first, second = customers
    day = lambda d: datetime(2026, 4, d, 9, tzinfo=timezone.utc)  # noqa: E731
    orders = [storefront_order(first, order_id=f"{prefix}-1", unit_minor=40_00, placed_at=day(3)),
              storefront_order(first, order_id=f"{prefix}-2", status="pending", unit_minor=5_55, placed_at=day(9)),
              storefront_order(second, order_id=f"{prefix}-3", unit_minor=12_34, quantity=3, placed_at=day(5)),
              storefront_order(first, order_id=f"{prefix}-4", unit_minor=1_01, quantity=7, placed_at=day(1))]
    return orders + [orders[0]]  # the storefront sent its first order again, in another envelope


async def _state(api, app, customer_id: str, prefix: str) -> tuple:
    """Everything an order touches, with the order ids made comparable across customers."""
    customer = (await api.get(f"/customers/{customer_id}")).json()
    timeline = (await api.get(f"/customers/{customer_id}/activity", params={"limit": 100})).json()["items"]
    entries = sorted((e["type"], re.sub(rf"{prefix}-", "#", e["summary"]),
                      e["occurredAt"] if e["type"].startswith("order.") else None) for e in timeline)
    members = (await api.get("/customer-segments/two_orders/customers")).json()["items"]
    events = Counter((e.type, re.sub(rf"{prefix}-", "#", e.data.get("orderId") or ""),
                      f"{e.data['segmentSlug']} {e.data['change']}" if "change" in e.data else None)
                     for e in await published(app) if e.data.get("customerId") == customer_id)
    return {k: customer[k] for k in TOTALS}, entries, customer_id in {m["id"] for m in members}, events


@pytest.fixture
async def two_orders_segment(api):
    created = await api.post("/customer-segments", json={"name": "Two orders", "query": "total_orders >= 2"})
    assert created.status_code == 201, created.text
    await wait_ready(api, "two_orders")


async def test_a_batch_ends_as_the_same_orders_one_by_one(api, customers_app, two_orders_segment):
    runtime = customers_app.state.runtime
    singles = [await new_customer(api), await new_customer(api)]
    batched = [await new_customer(api), await new_customer(api)]
    for event in _orders(singles, "one"):
        assert await runtime.dispatch(from_storefront(event)) == "handled"

    envelopes = [from_storefront(event) for event in _orders(batched, "many")]
    assert await runtime.dispatch_batch(envelopes) == ["handled"] * len(envelopes)

    for single, batch in zip(singles, batched):
        expected = await _state(api, customers_app, single, "one")
        assert await _state(api, customers_app, batch, "many") == expected
    totals, entries, member, events = await _state(api, customers_app, batched[0], "many")
    assert totals["totalOrders"] == 3 and totals["totalSpent"] == 98.17  # 80.00 + 11.10 + 7.07: the repeat counted once
    assert member and [kind for kind, _, _ in entries].count("order.placed") == 3
    assert events[("order.recorded", "#1", None)] == 1 and events[("order.paid", "#1", None)] == 1
    assert events[("order.paid", "#2", None)] == 0  # pending
    assert events[("segment.membership.changed", "", "two_orders entered")] == 1
    assert events[("customer.activity.recorded", "", None)] == 4  # profile created + three orders


async def test_an_unknown_customer_fails_the_batch_and_is_parked_alone(api, customers_app):
    runtime = customers_app.state.runtime
    known = await new_customer(api)
    events = [storefront_order(known), storefront_order("no-such-customer"), storefront_order(known)]
    envelopes = [from_storefront(event) for event in events]

    with pytest.raises(NotFound):
        await runtime.dispatch_batch(envelopes)
    assert (await api.get(f"/customers/{known}")).json()["totalOrders"] == 0  # all or nothing
    assert await runtime.inbox.seen_many([e.id for e in envelopes]) == set()

    # What the consumer then does: each event on its own; only the unknown customer's is poison.
    assert await runtime.dispatch(envelopes[0]) == "handled"
    with pytest.raises(PoisonMessage, match="NOT_FOUND"):
        await runtime.dispatch(envelopes[1])
    assert await runtime.dispatch(envelopes[2]) == "handled"
    customer = (await api.get(f"/customers/{known}")).json()
    assert customer["totalOrders"] == 2 and customer["totalSpent"] == 100.0
    assert {e.data["orderId"] for e in await published(customers_app, "order.recorded")} == {
        events[0].order_id, events[2].order_id}


async def test_through_the_broker_the_good_orders_count_and_the_bad_one_is_parked(api, customers_app,
                                                                                  customers_settings):
    runtime = customers_app.state.runtime

    async def bound() -> bool:
        return runtime.consumer.consuming.is_set()
    await eventually(bound, what="the customers consumer bound to its queue")
    known = await new_customer(api)
    events = [storefront_order(known), storefront_order(known), storefront_order("ghost"), storefront_order(known)]
    publisher = Publisher(customers_settings.amqp_url, customers_settings.events_exchange, 5.0)
    try:
        for event in events:
            envelope = from_storefront(event)
            await publisher.publish(envelope.to_json(), routing_key=envelope.type, message_id=envelope.id)
    finally:
        await publisher.close()

    async def counted() -> bool:
        return (await api.get(f"/customers/{known}")).json()["totalOrders"] == 3
    await eventually(counted, 30, "the three good orders counted")
    parked: list[tuple[str, bytes]] = []

    async def ghost_parked() -> bool:
        parked.extend(await take_parked(customers_settings.amqp_url, customers_settings.queue_name))
        return len(parked) >= 1
    await eventually(ghost_parked, 30, "the unknown customer's order parked")
    assert len(parked) == 1 and b"ghost" in parked[0][1] and "NOT_FOUND" in parked[0][0]
    assert (await api.get(f"/customers/{known}")).json()["totalSpent"] == 150.0
