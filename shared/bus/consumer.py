"""A supervised consumer: reconnects after broker restarts, bounds concurrency, parks poison messages with a reason."""
import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage
from pydantic import ValidationError

from shared.bus.topology import declare_exchange, declare_service_queue
from shared.errors import Unavailable
from shared.events.envelope import Envelope, UnknownEvent
from shared.metrics import EVENTS_CONSUMED

log = logging.getLogger(__name__)

EnvelopeHandler = Callable[[Envelope], Awaitable[str | None]]  # returns the outcome, e.g. 'duplicate'


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
                 reconnect_seconds: float = 1.0, service: str = "", queue_type: str = "quorum"):
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
                log.warning("consumer connection failed, retrying", extra={"queue": self._queue_name, "error": str(exc)})
            self.consuming.clear()
            await asyncio.sleep(self._reconnect_seconds)

    async def _consume_until_closed(self) -> None:
        closed = asyncio.get_running_loop().create_future()
        self._connection = await aio_pika.connect(self._url)
        self._connection.close_callbacks.add(lambda *_: closed.done() or closed.set_result(None))
        try:
            channel = await self._connection.channel()
            await channel.set_qos(prefetch_count=self._prefetch)
            exchange = await declare_exchange(channel, self._exchange_name)
            queue, self._dead_exchange = await declare_service_queue(
                channel, exchange=exchange, queue=self._queue_name,
                routing_keys=self._routing_keys, delivery_limit=self._delivery_limit, queue_type=self._queue_type,
            )
            await queue.consume(self._on_message)
            self.consuming.set()
            log.info("consuming", extra={"queue": self._queue_name, "routingKeys": self._routing_keys})
            await closed
        finally:
            self.consuming.clear()
            if not self._connection.is_closed:
                await self._connection.close()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        async with self._slots:
            event_type = message.routing_key or "unknown"
            try:
                envelope = decode_envelope(message.body)
                outcome = await self._handle_until_available(envelope)
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

    async def _handle_until_available(self, envelope: Envelope) -> str:
        """While the database is down the message is held, not requeued: a requeue would count against the
        delivery limit and park a perfectly good event. Holding it also stops new deliveries (prefetch)."""
        delay = 0.5
        while True:
            try:
                return await self._handle(envelope) or "handled"
            except Unavailable:
                if not self.connected:
                    raise  # the broker went too; it will redeliver
                log.warning("database unavailable; holding the event", extra={"eventId": envelope.id})
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
