"""Live events for subscriptions: one exclusive queue per gateway process, fanned out to in-process listeners.

A live view is a notification, not a record: the queue is exclusive and auto-deleted, messages are auto-acked, and
a listener that falls behind loses its oldest entries (a dashboard re-reads the timeline when it reconnects). The
durable record stays in the services.
"""
import asyncio
import contextlib
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from shared.bus.topology import declare_exchange

log = logging.getLogger(__name__)
ROUTING_KEYS = ("customer.activity.recorded", "segment.membership.changed")


class LiveFeed:
    def __init__(self, amqp_url: str, exchange: str, buffer: int = 100):
        self.amqp_url, self.exchange, self.buffer = amqp_url, exchange, buffer
        self.queue_name = f"{exchange}.live.gateway-{uuid.uuid4().hex[:12]}"
        self.ready = asyncio.Event()
        self._listeners: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self._task: asyncio.Task | None = None
        self._connection = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="live-feed")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._connection:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._connection.close(), 5)

    def listeners(self, event_type: str) -> int:
        return len(self._listeners[event_type])

    @contextlib.asynccontextmanager
    async def listen(self, event_type: str) -> AsyncIterator[asyncio.Queue]:
        """A queue of the envelopes (as dicts) of one event type, from now until the block ends."""
        queue: asyncio.Queue = asyncio.Queue(maxsize=self.buffer)
        self._listeners[event_type].add(queue)
        try:
            yield queue
        finally:
            self._listeners[event_type].discard(queue)

    async def _run(self) -> None:
        while True:
            try:
                # Robust: after a broker restart the queue, its bindings and the consumer are restored.
                self._connection = await aio_pika.connect_robust(self.amqp_url)
                channel = await self._connection.channel()
                exchange = await declare_exchange(channel, self.exchange)
                queue = await channel.declare_queue(self.queue_name, exclusive=True, auto_delete=True,
                                                    arguments={"x-max-length": 10_000})
                for key in ROUTING_KEYS:
                    await queue.bind(exchange, routing_key=key)
                await queue.consume(self._on_message, no_ack=True)
                self.ready.set()
                await asyncio.Future()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the graph keeps serving queries; subscriptions wait for the broker
                log.warning("live feed cannot reach the broker, retrying", extra={"error": str(exc)[:200]})
                if self._connection:
                    with contextlib.suppress(Exception):
                        await self._connection.close()
                await asyncio.sleep(2)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            envelope = json.loads(message.body)
            listeners = self._listeners.get(envelope["type"], ())
        except (ValueError, KeyError, TypeError):
            return  # not an envelope: the services' consumers park it, a live view just skips it
        for queue in list(listeners):
            if queue.full():
                queue.get_nowait()  # a slow listener loses the oldest entry, never blocks the others
            queue.put_nowait(envelope)
