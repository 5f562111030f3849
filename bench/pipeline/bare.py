"""The baselines: a bare aio-pika consumer doing the purchase path's writes, and aio-pika alone (no database).

Neither uses the project's code: plain aio-pika and pymongo, as a hand-written script would.
"""
import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue
from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from bench.pipeline.traffic import ROUTING_KEY

Handle = Callable[[AbstractIncomingMessage], Awaitable[None]]


async def _queue(channel, exchange_name: str, queue_name: str, queue_type: str) -> AbstractQueue:
    exchange = await channel.declare_exchange(exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
    queue = await channel.declare_queue(queue_name, durable=True,
                                        arguments={"x-queue-type": queue_type} if queue_type == "quorum" else {})
    await queue.bind(exchange, routing_key=ROUTING_KEY)
    return queue


class QueueConsumer:
    """Consumes one queue with prefetch and at most `concurrency` messages in hand; `handle` acks."""

    def __init__(self, amqp_url: str, exchange_name: str, queue_name: str, queue_type: str, *, prefetch: int,
                 concurrency: int):
        self.url, self.exchange_name, self.queue_name, self.queue_type = amqp_url, exchange_name, queue_name, queue_type
        self.prefetch = prefetch
        self.slots = asyncio.Semaphore(concurrency)
        self.connection = None

    async def start(self, handle: Handle) -> None:
        self.connection = await aio_pika.connect(self.url)
        channel = await self.connection.channel()
        await channel.set_qos(prefetch_count=self.prefetch)
        queue = await _queue(channel, self.exchange_name, self.queue_name, self.queue_type)

        async def on_message(message: AbstractIncomingMessage) -> None:
            async with self.slots:
                await handle(message)
        await queue.consume(on_message)

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()


def count_and_ack(counter: dict) -> Handle:
    """Raw aio-pika: ack and count, nothing else."""
    async def handle(message: AbstractIncomingMessage) -> None:
        await message.ack()
        counter["n"] += 1
    return handle


def record_credit_and_ack(client: AsyncMongoClient, customers: AsyncDatabase, loyalty: AsyncDatabase,
                          counter: dict) -> Handle:
    """The whole purchase path as a hand-written script would do it, one transaction per event: the processed
    marker, the order, the customer's totals, a timeline entry, the loyalty account's $inc and its ledger entry.
    (Both databases live on one server here, so one transaction can span them; the services can't, which is
    the point of comparing.)"""
    processed, orders, profiles, activity = (customers["processed_events"], customers["orders"],
                                             customers["customers"], customers["activity"])
    accounts, ledger = loyalty["accounts"], loyalty["ledger"]

    async def record(envelope: dict) -> None:
        data, now = envelope["data"], datetime.now(timezone.utc)
        points = data["totalMinor"] // 100
        async with client.start_session() as session:
            async with await session.start_transaction():
                await processed.insert_one({"_id": envelope["id"], "type": envelope["type"], "handledAt": now},
                                           session=session)
                await orders.insert_one({"_id": data["orderId"], "customerId": data["customerId"],
                                         "items": data["items"], "totalMinor": data["totalMinor"],
                                         "status": data["status"], "placedAt": data["placedAt"], "createdAt": now},
                                        session=session)
                await profiles.update_one({"_id": data["customerId"]}, {
                    "$inc": {"totalSpentMinor": data["totalMinor"], "totalOrders": 1},
                    "$set": {"lastPurchaseDate": now, "updatedAt": now}}, session=session)
                await activity.insert_one({"customerId": data["customerId"], "type": "order.placed",
                                           "summary": f"Order {data['orderId']} placed", "occurredAt": now},
                                          session=session)
                account = await accounts.find_one_and_update(
                    {"_id": data["customerId"]},
                    {"$inc": {"balance": points, "lifetimePoints": points}, "$set": {"updatedAt": now}},
                    upsert=True, return_document=ReturnDocument.AFTER, session=session)
                await ledger.insert_one({"_id": envelope["id"], "customerId": data["customerId"], "kind": "earn",
                                         "points": points, "balanceAfter": account["balance"],
                                         "orderId": data["orderId"], "createdAt": now}, session=session)

    return _acking(record, counter)


def _acking(work: Callable[[dict], Awaitable[None]], counter: dict) -> Handle:
    """Runs `work` on the message's envelope, retrying transient transaction errors; acks after commit."""
    async def handle(message: AbstractIncomingMessage) -> None:
        envelope = json.loads(message.body)
        for attempt in range(8):
            try:
                await work(envelope)
                break
            except DuplicateKeyError:
                break  # handled before
            except PyMongoError as exc:
                if attempt == 7 or not exc.has_error_label("TransientTransactionError"):
                    await message.nack(requeue=True)
                    return
                await asyncio.sleep(0.01 * 2 ** attempt)
        await message.ack()
        counter["n"] += 1
    return handle
