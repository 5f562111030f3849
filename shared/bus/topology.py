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
    channel: AbstractChannel, *, exchange: AbstractExchange, queue: str, routing_keys: list[str], delivery_limit: int,
    queue_type: str = "quorum",
) -> tuple[AbstractQueue, AbstractExchange]:
    """Declares the queue, its bindings and its parking lot; returns the queue and the dead-letter exchange.

    Quorum queues (the default) enforce the delivery limit. Classic queues exist for brokers without quorum
    support and for the test suite, whose hundreds of short-lived queues a single-node quorum setup handles badly.
    """
    type_args = {"x-queue-type": "quorum"} if queue_type == "quorum" else {}
    limit_args = {"x-delivery-limit": delivery_limit} if queue_type == "quorum" else {}
    dead_exchange = await channel.declare_exchange(
        dead_letter_exchange_name(exchange.name), aio_pika.ExchangeType.DIRECT, durable=True
    )
    dead_queue = await channel.declare_queue(dead_letter_queue_name(queue), durable=True, arguments=type_args)
    await dead_queue.bind(dead_exchange, routing_key=queue)
    service_queue = await channel.declare_queue(
        queue,
        durable=True,
        arguments={
            **type_args,
            **limit_args,
            "x-dead-letter-exchange": dead_exchange.name,
            "x-dead-letter-routing-key": queue,
        },
    )
    for key in routing_keys:
        await service_queue.bind(exchange, routing_key=key)
    return service_queue, dead_exchange
