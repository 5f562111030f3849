"""Reads a service's parking lot (dead-letter queue): each message with the reason it was parked."""
import aio_pika

from shared.bus.topology import dead_letter_queue_name


async def take_parked(amqp_url: str, queue: str) -> list[tuple[str, bytes]]:
    """Removes and returns (x-parked-reason, body) of every message parked for `queue` so far."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        dead = await channel.declare_queue(dead_letter_queue_name(queue), passive=True)
        parked = []
        while (message := await dead.get(fail=False)) is not None:
            parked.append((_reason(message.headers or {}), message.body))
            await message.ack()
        return parked


def _reason(headers: dict) -> str:
    """The consumer's reason, or the broker's (a quorum queue dead-letters past its delivery limit by itself)."""
    if "x-parked-reason" in headers:
        return headers["x-parked-reason"]
    deaths = headers.get("x-death") or [{}]
    return f"dead-lettered by the broker: {deaths[0].get('reason', 'unknown')}"
