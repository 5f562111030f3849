"""One durable topic exchange; per service a durable quorum queue with a dead-letter exchange and a delivery limit."""
import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue


def dead_letter_exchange_name(exchange: str) -> str:
    return f"{exchange}.dead"


def dead_letter_queue_name(queue: str) -> str:
    return f"{queue}.dead"


async def declare_exchange(channel: AbstractChannel, name: str) -> AbstractExchange:
    return await channel.declare_exchange(name, aio_pika.ExchangeType.TOPIC, durable=True)


async def declare_service_queue(
    channel: AbstractChannel, *, exchange: AbstractExchange, queue: str, routing_keys: list[str], delivery_limit: int
) -> tuple[AbstractQueue, AbstractExchange]:
    """Declares the queue, its bindings and its parking lot; returns the queue and the dead-letter exchange."""
    dead_exchange = await channel.declare_exchange(
        dead_letter_exchange_name(exchange.name), aio_pika.ExchangeType.DIRECT, durable=True
    )
    dead_queue = await channel.declare_queue(
        dead_letter_queue_name(queue), durable=True, arguments={"x-queue-type": "quorum"}
    )
    await dead_queue.bind(dead_exchange, routing_key=queue)
    service_queue = await channel.declare_queue(
        queue,
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": delivery_limit,
            "x-dead-letter-exchange": dead_exchange.name,
            "x-dead-letter-routing-key": queue,
        },
    )
    for key in routing_keys:
        await service_queue.bind(exchange, routing_key=key)
    return service_queue, dead_exchange
