"""The purchase events every phase consumes, and how they are published."""
import asyncio
import random
import uuid
from datetime import datetime, timezone

import aio_pika

from shared.events import contracts
from shared.events.envelope import Envelope

ROUTING_KEY = contracts.OrderPlaced.TYPE
CONFIRM_WINDOW = 200  # publishes awaiting their confirm at once: the broker's throughput needs ~200 in flight


def customer_ids(n: int) -> list[str]:
    return [f"bench-customer-{i:06d}" for i in range(n)]


def purchases(n: int, customers: int | list[str], seed: int = 7) -> list[Envelope]:
    """order.placed envelopes as the storefront publishes them (paid): one order each, spread over `customers`
    (a count, or the ids of customers that exist)."""
    ids = customer_ids(customers) if isinstance(customers, int) else customers
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    envelopes = []
    for i in range(n):
        total = rng.randint(10_00, 300_00)
        order = contracts.OrderPlaced(
            orderId=f"bench-order-{i:07d}", customerId=ids[rng.randrange(len(ids))],
            items=[{"sku": "DR-1", "name": "Linen dress", "quantity": 1, "unitPriceMinor": total}],
            totalMinor=total, currency="USD", placedAt=now)
        correlation_id = str(uuid.UUID(int=rng.getrandbits(128)))
        envelopes.append(Envelope.wrap(order, source="storefront", correlation_id=correlation_id))
    return envelopes


async def publish_all(amqp_url: str, exchange_name: str, envelopes: list[Envelope]) -> float:
    """Publishes every envelope with publisher confirms; returns the seconds it took."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
        window = asyncio.Semaphore(CONFIRM_WINDOW)
        started = asyncio.get_running_loop().time()

        async def one(envelope: Envelope) -> None:
            message = aio_pika.Message(envelope.to_json(), message_id=envelope.id, content_type="application/json",
                                       correlation_id=envelope.correlation_id,
                                       delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
            async with window:
                await exchange.publish(message, routing_key=ROUTING_KEY)

        await asyncio.gather(*(one(e) for e in envelopes))
        return asyncio.get_running_loop().time() - started
