"""Publishes to the topic exchange with publisher confirms, reconnecting lazily after the broker goes away."""
import asyncio
import logging

import aio_pika
from aio_pika.abc import AbstractConnection, AbstractExchange

from shared.bus.topology import declare_exchange

log = logging.getLogger(__name__)


class PublishFailed(Exception):
    """The broker did not confirm the message in time; the caller keeps it and retries."""


class Publisher:
    def __init__(self, amqp_url: str, exchange_name: str, timeout_seconds: float = 5.0):
        self._url = amqp_url
        self._exchange_name = exchange_name
        self._timeout = timeout_seconds
        self._connection: AbstractConnection | None = None
        self._exchange: AbstractExchange | None = None
        self._lock = asyncio.Lock()

    @property
    def connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed

    async def _ensure_exchange(self) -> AbstractExchange:
        async with self._lock:
            if self._exchange is None or not self.connected:
                await self._drop()
                self._connection = await asyncio.wait_for(aio_pika.connect(self._url), self._timeout)
                channel = await self._connection.channel(publisher_confirms=True)
                self._exchange = await declare_exchange(channel, self._exchange_name)
            return self._exchange

    async def publish(self, body: bytes, *, routing_key: str, message_id: str,
                      correlation_id: str | None = None, headers: dict | None = None) -> None:
        """Returns once the broker confirmed; raises PublishFailed otherwise (a stable message_id makes retries
        safe)."""
        message = aio_pika.Message(
            body,
            message_id=message_id,
            correlation_id=correlation_id,
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            headers=headers or {},
        )
        try:
            exchange = await self._ensure_exchange()
            await asyncio.wait_for(exchange.publish(message, routing_key=routing_key), self._timeout)
        except Exception as exc:  # any broker or network failure: the outbox keeps the record and retries
            await self._drop()
            raise PublishFailed(str(exc) or type(exc).__name__) from exc

    async def _drop(self) -> None:
        connection, self._connection, self._exchange = self._connection, None, None
        if connection is not None and not connection.is_closed:
            try:
                await asyncio.wait_for(connection.close(), 2)
            except Exception:
                log.debug("closing a broken publisher connection failed", exc_info=True)

    async def close(self) -> None:
        async with self._lock:
            await self._drop()

    async def reachable(self) -> bool:
        try:
            await self._ensure_exchange()
            return True
        except Exception:
            await self._drop()
            return False
