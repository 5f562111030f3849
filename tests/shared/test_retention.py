"""Bounded growth: sent outbox records and inbox markers expire by TTL index after the retention period.

The test controls the clock through the records: it dates them on either side of the retention, then asks the
server for one TTL pass at once (SecantusDB's `secantusAdmin.pruneTtl`, the same pass its sweeper runs every 60 s)
instead of waiting for the sweeper.
"""
import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from pymongo.errors import OperationFailure

from shared.bus.publisher import Publisher
from shared.events import contracts
from shared.events.envelope import Envelope
from shared.inbox import Inbox
from shared.mongo import create_client
from shared.outbox import PENDING, SENT, Outbox, OutboxRelay
from shared.retention import expire_after
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings

RETENTION = timedelta(days=7)


@pytest.fixture
async def db(service_env, isolation):
    client = create_client(service_env["mongo_url"])
    yield client[f"retention_{isolation}"]
    await client.drop_database(f"retention_{isolation}")
    await client.close()


async def ttl_pass(db) -> None:
    """Runs the server's TTL deletion now, as its monitor would on its next pass."""
    try:
        await db.client.admin.command("secantusAdmin.pruneTtl")
    except OperationFailure as exc:
        if exc.code == 59:  # CommandNotFound: real MongoDB, whose TTL monitor can't be run on demand
            pytest.skip("this server runs TTL deletion only on its own 60 s monitor")
        raise


async def ids(collection) -> set[str]:
    return {doc["_id"] async for doc in collection.find({}, {"_id": 1})}


async def backdate(collection, doc_id: str, field: str, age: timedelta) -> None:
    await collection.update_one({"_id": doc_id}, {"$set": {field: datetime.now(timezone.utc) - age}})


async def add_events(db, outbox: Outbox, count: int) -> list[str]:
    async with db.client.start_session() as session:
        async with await session.start_transaction():
            envelopes = [await outbox.add(session, contracts.CustomerDeleted(customerId=f"c-{i}"))
                         for i in range(count)]
    return [envelope.id for envelope in envelopes]


def envelope(n: int) -> Envelope:
    return Envelope.wrap(contracts.CustomerDeleted(customerId=f"c-{n}"), source="test", correlation_id=None)


async def record_markers(db, inbox: Inbox, count: int) -> list[str]:
    envelopes = [envelope(n) for n in range(count)]
    async with db.client.start_session() as session:
        async with await session.start_transaction():
            await inbox.record_many(session, envelopes)
    return [e.id for e in envelopes]


async def test_sent_outbox_records_expire_after_the_retention_and_unpublished_ones_never(db, service_env):
    outbox = Outbox(db["outbox"], source="test")
    await outbox.ensure_indexes(retention=RETENTION)
    publisher = Publisher(service_env["amqp_url"], service_env["events_exchange"], 5.0)
    try:
        old_sent, recent_sent, fresh_sent = await add_events(db, outbox, 3)
        # Published by the relay itself, so the test sees the fields it really writes.
        assert await OutboxRelay(outbox, publisher, batch_size=50, poll_seconds=0.1).publish_pending() == 3
    finally:
        await publisher.close()
    [never_published] = await add_events(db, outbox, 1)
    await backdate(outbox.collection, old_sent, "sentAt", RETENTION + timedelta(hours=1))
    await backdate(outbox.collection, recent_sent, "sentAt", RETENTION - timedelta(hours=1))
    await backdate(outbox.collection, never_published, "createdAt", RETENTION * 5)

    await ttl_pass(db)

    assert await ids(outbox.collection) == {recent_sent, fresh_sent, never_published}
    assert (await outbox.collection.find_one({"_id": never_published}))["status"] == PENDING
    assert await outbox.backlog() == 1


async def test_a_pending_record_is_kept_even_with_an_old_sent_time(db):
    """A record the relay failed to mark sent again (or any pending one) must still be published: status rules."""
    outbox = Outbox(db["outbox"], source="test")
    await outbox.ensure_indexes(retention=RETENTION)
    stuck, sent = await add_events(db, outbox, 2)
    long_ago = datetime.now(timezone.utc) - RETENTION * 2
    await outbox.collection.update_one({"_id": stuck}, {"$set": {"sentAt": long_ago}})
    await outbox.collection.update_one({"_id": sent}, {"$set": {"status": SENT, "sentAt": long_ago}})

    await ttl_pass(db)

    assert await ids(outbox.collection) == {stuck}


async def test_inbox_markers_expire_after_the_retention(db):
    inbox = Inbox(db["processed_events"])
    await inbox.ensure_indexes(retention=RETENTION)
    old, recent, fresh = await record_markers(db, inbox, 3)
    await backdate(inbox.collection, old, "handledAt", RETENTION + timedelta(minutes=5))
    await backdate(inbox.collection, recent, "handledAt", RETENTION - timedelta(minutes=5))

    await ttl_pass(db)

    assert await inbox.seen_many([old, recent, fresh]) == {recent, fresh}


async def test_a_changed_retention_updates_the_existing_index_from_replicas_starting_together(db):
    inbox = Inbox(db["processed_events"])
    await inbox.ensure_indexes(retention=RETENTION)
    one_day = timedelta(days=1)

    await asyncio.gather(inbox.ensure_indexes(retention=one_day), inbox.ensure_indexes(retention=one_day))

    spec = (await inbox.collection.index_information())["handledAt_ttl"]
    assert spec["expireAfterSeconds"] == 86400
    two_days_old, half_a_day_old = await record_markers(db, inbox, 2)
    await backdate(inbox.collection, two_days_old, "handledAt", 2 * one_day)
    await backdate(inbox.collection, half_a_day_old, "handledAt", one_day / 2)
    await ttl_pass(db)
    assert await ids(inbox.collection) == {half_a_day_old}


async def test_a_service_keeps_both_indexes_at_its_configured_retention(service_env, isolation):
    settings = ServiceSettings(service_name="retention", mongo_database=f"retention_rt_{isolation}",
                               event_retention_days=2, **service_env)
    runtime = ServiceRuntime(settings)
    await runtime.start({})
    try:
        outbox_ttl = (await runtime.outbox.collection.index_information())["sentAt_ttl"]
        inbox_ttl = (await runtime.inbox.collection.index_information())["handledAt_ttl"]
        assert outbox_ttl["expireAfterSeconds"] == inbox_ttl["expireAfterSeconds"] == 2 * 86400
        assert dict(outbox_ttl["partialFilterExpression"]) == {"status": SENT}
        assert "partialFilterExpression" not in inbox_ttl
    finally:
        await runtime.mongo.drop_database(settings.mongo_database)
        await runtime.stop()


def test_retention_below_an_hour_is_refused_by_the_settings():
    with pytest.raises(ValueError, match="event_retention_days"):
        ServiceSettings(event_retention_days=0.01)


async def test_a_retention_under_a_second_is_refused(db):
    with pytest.raises(ValueError, match="at least one second"):
        await expire_after(db["outbox"], "sentAt", timedelta(milliseconds=500))
