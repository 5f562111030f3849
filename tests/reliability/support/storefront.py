"""A storefront's burst of order.placed events, and an at-least-once publisher that rides out broker restarts."""
import asyncio
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from random import Random

import aio_pika

from shared.events import contracts
from shared.events.envelope import Envelope

log = logging.getLogger(__name__)
ORDERS_PER_CUSTOMER = 20  # at most 9 points an order: every customer stays in the first tier (multiplier 1x)


@dataclass(frozen=True)
class Outgoing:
    routing_key: str
    body: bytes
    message_id: str


@dataclass
class Burst:
    """The orders a test sends and what they must add up to."""

    messages: list[Outgoing] = field(default_factory=list)
    order_ids: list[str] = field(default_factory=list)
    points: dict[str, int] = field(default_factory=dict)  # customer id -> points earned
    orders: dict[str, int] = field(default_factory=dict)  # customer id -> number of orders
    spent_minor: dict[str, int] = field(default_factory=dict)


def order_burst(customer_ids: list[str], size: int, seed: int = 7) -> Burst:
    """`size` orders spread round-robin over the customers, 1.00 to 9.99 each, as the storefront publishes them."""
    rng, burst = Random(seed), Burst()
    placed_at = datetime.now(timezone.utc)
    for n in range(size):
        customer_id = customer_ids[n % len(customer_ids)]
        total_minor = rng.randint(100, 999)
        order = contracts.OrderPlaced(
            orderId=f"web-{uuid.uuid4().hex[:12]}", customerId=customer_id, currency="USD", totalMinor=total_minor,
            items=[contracts.OrderItemData(sku="TEE-1", name="Tee", quantity=1, unitPriceMinor=total_minor)],
            placedAt=placed_at)
        envelope = Envelope.wrap(order, source="storefront")
        burst.messages.append(Outgoing(envelope.type, envelope.to_json(), envelope.id))
        burst.order_ids.append(order.order_id)
        # The default program: 1 point per whole currency unit, rounded down; 1x in the first tier.
        burst.points[customer_id] = burst.points.get(customer_id, 0) + total_minor // 100
        burst.orders[customer_id] = burst.orders.get(customer_id, 0) + 1
        burst.spent_minor[customer_id] = burst.spent_minor.get(customer_id, 0) + total_minor
    return burst


def customers_for(size: int) -> int:
    return max(1, -(-size // ORDERS_PER_CUSTOMER))


async def publish(amqp_url: str, exchange_name: str, messages: list[Outgoing], *, window: int = 200,
                  timeout: float = 300) -> int:
    """Publishes with confirms; whatever the broker did not confirm (it went away) is sent again after a
    reconnect, with the same message and event id, as a storefront's outbox would. Returns the connections used."""
    pending, attempts, deadline = list(messages), 0, time.monotonic() + timeout
    while pending:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(pending)} messages unconfirmed after {timeout} s")
        attempts += 1
        pending = await _publish_once(amqp_url, exchange_name, pending, window)
        if pending:
            await asyncio.sleep(0.5)
    return attempts


async def _publish_once(amqp_url: str, exchange_name: str, messages: list[Outgoing], window: int) -> list[Outgoing]:
    """One connection's worth of publishing; returns the messages that were not confirmed."""
    try:
        connection = await asyncio.wait_for(aio_pika.connect(amqp_url), 5)
    except Exception as exc:
        log.info("storefront cannot connect (%s); retrying", exc)
        return messages
    failed: list[Outgoing] = []
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
        slots = asyncio.Semaphore(window)  # about 200 unconfirmed at a time is where throughput peaks here

        async def one(message: Outgoing) -> None:
            async with slots:
                try:
                    await asyncio.wait_for(exchange.publish(
                        aio_pika.Message(message.body, message_id=message.message_id,
                                         content_type="application/json",
                                         delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                        routing_key=message.routing_key), 10)
                except Exception:
                    failed.append(message)
        await asyncio.gather(*(one(m) for m in messages))
    except Exception as exc:  # the channel itself failed: nothing sent on it counts as confirmed
        log.info("storefront connection failed (%s); resending", exc)
        return messages
    finally:
        try:
            await asyncio.wait_for(connection.close(), 5)
        except Exception:
            pass
    return failed
