"""Consumer batching over the real broker and database: one transaction for several events, each event still
handled exactly once; a duplicate or a poison event in a batch neither double-counts nor blocks the others."""
import asyncio
import logging

import aio_pika
import pytest
from prometheus_client import REGISTRY

from shared.batches import Subscription
from shared.bus.batching import take_batch
from shared.errors import ValidationFailed
from shared.events.envelope import Envelope, Event
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from tests.conftest import eventually


class Tallied(Event):
    """A test event: adds one to the tally of its key; `refuse` makes the handler say no (a rule, not an outage)."""

    TYPE = "test.batch.tallied"
    key: str
    refuse: bool = False


async def test_take_batch_takes_what_waits_up_to_the_size():
    buffer: asyncio.Queue[int] = asyncio.Queue()
    for i in range(5):
        buffer.put_nowait(i)
    assert await take_batch(buffer, size=3, linger=0) == [0, 1, 2]
    assert await take_batch(buffer, size=3, linger=0) == [3, 4]


async def test_take_batch_lingers_for_late_arrivals_until_full():
    buffer: asyncio.Queue[int] = asyncio.Queue()
    buffer.put_nowait(1)
    asyncio.get_running_loop().call_soon(buffer.put_nowait, 2)  # arrives while the batch lingers
    assert await take_batch(buffer, size=2, linger=60) == [1, 2]  # full: returns without waiting out the linger


async def test_take_batch_stops_lingering_after_the_linger():
    buffer: asyncio.Queue[int] = asyncio.Queue()
    buffer.put_nowait(1)
    assert await take_batch(buffer, size=10, linger=0.01) == [1]


class Tallies:
    """The service under test: its subscription tallies keys, and records the batch sizes its `many` handler got."""

    def __init__(self, settings: ServiceSettings):
        self.runtime = ServiceRuntime(settings)
        self.sizes: list[int] = []

    async def one(self, event: Tallied, envelope: Envelope, session) -> None:
        if event.refuse:
            raise ValidationFailed(f"{event.key} is refused")
        await self.runtime.db["tallies"].update_one({"_id": event.key}, {"$inc": {"n": 1}}, upsert=True,
                                                    session=session)

    async def many(self, items: list[tuple[Tallied, Envelope]], session) -> None:
        self.sizes.append(len(items))
        for event, envelope in items:
            await self.one(event, envelope, session)

    async def tally(self) -> dict[str, int]:
        return {d["_id"]: d["n"] for d in await self.runtime.db["tallies"].find().to_list()}


@pytest.fixture
async def tallies(service_env, isolation):
    # A long linger, so that what the test publishes at once arrives as one batch.
    settings = ServiceSettings(service_name="tallies", mongo_database=f"tallies_{isolation}", consumer_batch_size=20,
                               consumer_batch_linger_seconds=1.5, **service_env)
    service = Tallies(settings)
    await service.runtime.start({Tallied.TYPE: Subscription(service.one, service.many)})

    async def consuming() -> bool:
        return service.runtime.consumer.connected
    await eventually(consuming, what="consumer to start")
    yield service
    await service.runtime.mongo.drop_database(settings.mongo_database)
    await service.runtime.stop()
    connection = await aio_pika.connect(service_env["amqp_url"])
    async with connection:
        for queue in (settings.queue_name, f"{settings.queue_name}.dead"):
            await (await connection.channel()).queue_delete(queue)


async def _publish(service_env, bodies: list[tuple[str, bytes]]) -> None:
    connection = await aio_pika.connect(service_env["amqp_url"])
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(service_env["events_exchange"], aio_pika.ExchangeType.TOPIC,
                                                  durable=True)
        await asyncio.gather(*(exchange.publish(aio_pika.Message(body, message_id=message_id),
                                                routing_key=Tallied.TYPE) for message_id, body in bodies))


def _envelope(key: str, **fields) -> Envelope:
    return Envelope.wrap(Tallied(key=key, **fields), source="test")


def _consumed(outcome: str) -> float:
    labels = {"service": "tallies", "type": Tallied.TYPE, "outcome": outcome}
    return REGISTRY.get_sample_value("events_consumed_total", labels) or 0


async def _queue_counts(service_env) -> tuple[int, list[str]]:
    """Messages left in the service's queue, and the reasons of those parked in its dead-letter queue."""
    connection = await aio_pika.connect(service_env["amqp_url"])
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(f"{service_env['queue_prefix']}tallies", passive=True)
        dead = await channel.declare_queue(f"{service_env['queue_prefix']}tallies.dead", passive=True)
        reasons = []
        while (message := await dead.get(fail=False, timeout=1)) is not None:
            reasons.append(message.headers["x-parked-reason"])
            await message.ack()
        return queue.declaration_result.message_count, reasons


async def test_several_events_commit_in_one_batch_with_one_inbox_marker_each(tallies, service_env):
    envelopes = [_envelope(f"k{i}") for i in range(6)]
    await _publish(service_env, [(e.id, e.to_json()) for e in envelopes])

    async def tallied() -> bool:
        return await tallies.tally() == {f"k{i}": 1 for i in range(6)}
    await eventually(tallied, what="six events tallied")
    assert sum(tallies.sizes) == 6 and max(tallies.sizes) > 1
    assert await tallies.runtime.inbox.seen_many([e.id for e in envelopes]) == {e.id for e in envelopes}


async def test_duplicates_and_poison_in_a_batch_count_once_and_block_nothing(tallies, service_env, caplog):
    handled_before = _envelope("before")
    assert await tallies.runtime.dispatch(handled_before) == "handled"
    good = [_envelope(f"g{i}") for i in range(4)]
    refused = _envelope("refused", refuse=True)
    malformed = Envelope(type=Tallied.TYPE, source="test", data={"key": ["not", "a", "string"]})
    batch = [good[0], handled_before, refused, good[1], good[1], malformed, good[2], good[3]]
    counts = {outcome: _consumed(outcome) for outcome in ("handled", "duplicate", "parked")}
    bodies = [(e.id, e.to_json()) for e in batch] + [("not-json", b"{not json")]
    with caplog.at_level(logging.WARNING, logger="shared.bus.consumer"):
        await _publish(service_env, bodies)

        async def settled() -> bool:
            return sum(_consumed(o) - counts[o] for o in counts) == len(bodies)
        await eventually(settled, timeout=30, what="every delivery acked or parked")

    # The failed batch rolled back: what the fallback then handled one by one counts once, not twice.
    assert await tallies.tally() == {"before": 1, "g0": 1, "g1": 1, "g2": 1, "g3": 1}
    assert {o: _consumed(o) - counts[o] for o in counts} == {"handled": 4, "duplicate": 2, "parked": 3}
    assert any("handling its events one by one" in r.getMessage() for r in caplog.records)
    left, reasons = await _queue_counts(service_env)
    assert left == 0
    assert len(reasons) == 3
    assert any(r.startswith("VALIDATION: refused is refused") for r in reasons)
    assert any("validation error for Tallied" in r for r in reasons)
    assert any(r.startswith("malformed envelope") for r in reasons)
