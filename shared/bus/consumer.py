"""A supervised consumer: reconnects after broker restarts, bounds concurrency, parks poison messages with a reason,
and optionally hands deliveries over in batches (one transaction for several events)."""
import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage
from pydantic import ValidationError

from shared.bus.batching import take_batch
from shared.bus.topology import declare_exchange, declare_service_queue
from shared.errors import Unavailable
from shared.events.envelope import Envelope, UnknownEvent
from shared.metrics import EVENTS_CONSUMED

log = logging.getLogger(__name__)
T = TypeVar("T")

EnvelopeHandler = Callable[[Envelope], Awaitable[str | None]]  # returns the outcome, e.g. 'duplicate'
# Handles several envelopes at once, all or nothing; returns one outcome per envelope, in order.
BatchHandler = Callable[[list[Envelope]], Awaitable[list[str]]]


class PoisonMessage(Exception):
    """The message can never be handled (malformed, unknown type or version, bad payload)."""


def decode_envelope(body: bytes) -> Envelope:
    try:
        return Envelope.model_validate(json.loads(body))
    except (ValueError, ValidationError) as exc:
        raise PoisonMessage(f"malformed envelope: {exc}") from exc


class Consumer:
    def __init__(self, *, amqp_url: str, exchange_name: str, queue_name: str, routing_keys: list[str],
                 handle: EnvelopeHandler, prefetch: int, concurrency: int, delivery_limit: int,
                 reconnect_seconds: float = 1.0, service: str = "", queue_type: str = "quorum",
                 handle_batch: BatchHandler | None = None, batch_size: int = 1, batch_linger: float = 0.0,
                 batch_workers: int = 1):
        """With `handle_batch` and a batch_size above 1, `batch_workers` workers each take up to batch_size
        deliveries (lingering at most batch_linger seconds for more) and hand them over in one call."""
        self._queue_type = queue_type
        self._service = service or queue_name
        self._url = amqp_url
        self._exchange_name = exchange_name
        self._queue_name = queue_name
        self._routing_keys = routing_keys
        self._handle = handle
        self._prefetch = prefetch
        self._slots = asyncio.Semaphore(concurrency)
        self._delivery_limit = delivery_limit
        self._reconnect_seconds = reconnect_seconds
        self._handle_batch = handle_batch if batch_size > 1 else None
        self._batch_size, self._batch_linger, self._batch_workers = batch_size, batch_linger, batch_workers
        self._connection = None
        self._dead_exchange: AbstractExchange | None = None
        self.consuming = asyncio.Event()

    @property
    def connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed and self.consuming.is_set()

    async def run(self) -> None:
        """Consumes until cancelled; each lost connection is re-established and the consumer re-registered."""
        while True:
            try:
                await self._consume_until_closed()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("consumer connection failed, retrying",
                            extra={"queue": self._queue_name, "error": str(exc)})
            self.consuming.clear()
            await asyncio.sleep(self._reconnect_seconds)

    async def _consume_until_closed(self) -> None:
        closed = asyncio.get_running_loop().create_future()
        self._connection = await aio_pika.connect(self._url)
        self._connection.close_callbacks.add(lambda *_: closed.done() or closed.set_result(None))
        workers: list[asyncio.Task] = []
        try:
            channel = await self._connection.channel()
            await channel.set_qos(prefetch_count=self._prefetch)
            exchange = await declare_exchange(channel, self._exchange_name)
            queue, self._dead_exchange = await declare_service_queue(
                channel, exchange=exchange, queue=self._queue_name,
                routing_keys=self._routing_keys, delivery_limit=self._delivery_limit, queue_type=self._queue_type,
            )
            if self._handle_batch:
                # A buffer per connection: deliveries of a lost channel can't be acked, they come again.
                buffer: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
                workers += [asyncio.create_task(self._batch_worker(buffer), name=f"batch-worker-{i}")
                            for i in range(self._batch_workers)]

                async def buffered(message: AbstractIncomingMessage) -> None:
                    buffer.put_nowait(message)
                await queue.consume(buffered)
            else:
                await queue.consume(self._on_message)
            self.consuming.set()
            log.info("consuming", extra={"queue": self._queue_name, "routingKeys": self._routing_keys})
            await closed
        finally:
            self.consuming.clear()
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            if not self._connection.is_closed:
                await self._connection.close()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        async with self._slots:
            await self._process_one(message)

    async def _process_one(self, message: AbstractIncomingMessage) -> None:
        event_type = message.routing_key or "unknown"
        try:
            envelope = decode_envelope(message.body)
            outcome = await self._until_available(lambda: self._handle(envelope), envelope.id) or "handled"
        except (PoisonMessage, UnknownEvent, ValidationError) as exc:
            await self._park(message, reason=str(exc))
            EVENTS_CONSUMED.labels(self._service, event_type, "parked").inc()
            return
        except Exception:
            # Requeued; the quorum queue's delivery limit dead-letters it if it keeps failing.
            log.exception("event handling failed; requeueing", extra={"messageId": message.message_id})
            await message.nack(requeue=True)
            EVENTS_CONSUMED.labels(self._service, event_type, "retried").inc()
            return
        await message.ack()
        EVENTS_CONSUMED.labels(self._service, event_type, outcome).inc()

    async def _batch_worker(self, buffer: "asyncio.Queue[AbstractIncomingMessage]") -> None:
        while True:
            batch = await take_batch(buffer, self._batch_size, self._batch_linger)
            try:
                await self._process_batch(batch)
            except Exception:  # an ack on a channel that just closed: the broker redelivers what was not acked
                log.exception("batch handling failed", extra={"events": len(batch)})

    async def _process_batch(self, messages: list[AbstractIncomingMessage]) -> None:
        """All the batch's events in one call, acked after it returned; when it fails, each event on its own, so a
        poison event is parked alone and the others are handled (an event already handled is a duplicate)."""
        good, envelopes = [], []
        for message in messages:
            try:
                envelopes.append(decode_envelope(message.body))
                good.append(message)
            except PoisonMessage:
                await self._process_one(message)  # parks it
        if not good:
            return
        try:
            outcomes = await self._until_available(lambda: self._handle_batch(envelopes), envelopes[0].id)
        except Exception as exc:
            if not self.connected:
                return  # the channel is gone: nothing can be acked, the broker redelivers all of them
            log.warning("batch failed; handling its events one by one",
                        extra={"events": len(good), "error": f"{type(exc).__name__}: {exc}"})
            for message in good:
                await self._process_one(message)
            return
        for message, envelope, outcome in zip(good, envelopes, outcomes):
            await message.ack()
            EVENTS_CONSUMED.labels(self._service, envelope.type, outcome).inc()

    async def _until_available(self, handle: Callable[[], Awaitable[T]], event_id: str) -> T:
        """While the database is down the message is held, not requeued: a requeue would count against the
        delivery limit and park a perfectly good event. Holding it also stops new deliveries (prefetch)."""
        delay = 0.5
        while True:
            try:
                return await handle()
            except Unavailable:
                if not self.connected:
                    raise  # the broker went too; it will redeliver
                log.warning("database unavailable; holding the event", extra={"eventId": event_id})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _park(self, message: AbstractIncomingMessage, *, reason: str) -> None:
        """Copies the message to the dead-letter queue with the reason, then acks the original."""
        log.error("parking poison message", extra={"messageId": message.message_id, "reason": reason})
        headers = dict(message.headers or {})
        headers["x-parked-reason"] = reason[:1000]
        await self._dead_exchange.publish(
            aio_pika.Message(message.body, headers=headers, message_id=message.message_id,
                             content_type=message.content_type, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=self._queue_name,
        )
        await message.ack()

    async def close(self) -> None:
        if self._connection is not None and not self._connection.is_closed:
            await self._connection.close()
