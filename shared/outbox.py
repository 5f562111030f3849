"""Transactional outbox: events are written with the state change and published afterwards by a relay.

Each record moves pending -> sent. A record whose publish failed stays pending and is retried; a relay
on another replica may publish it again, which consumers tolerate because they dedupe on the event id.
A sent record is kept for the retention period (a TTL index on sentAt), then the database deletes it.
"""
import asyncio
import logging
from datetime import datetime, timedelta, timezone

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from shared.actor import actor_record
from shared.bus.publisher import Publisher, PublishFailed
from shared.events.envelope import Envelope, Event
from shared.logging import correlation_id as current_correlation_id
from shared.metrics import EVENTS_PUBLISHED
from shared.retention import expire_after

log = logging.getLogger(__name__)

PENDING, SENT = "pending", "sent"


class Outbox:
    """Writes events inside the caller's transaction."""

    def __init__(self, collection: AsyncCollection, source: str):
        self.collection = collection
        self.source = source
        self._wake = asyncio.Event()

    async def ensure_indexes(self, *, retention: timedelta) -> None:
        await self.collection.create_index([("status", ASCENDING), ("createdAt", ASCENDING)])
        # Only sent records expire: a pending one has no sentAt, and the partial filter keeps it out of the index
        # twice over, so an event that was never published is never lost to the retention.
        await expire_after(self.collection, "sentAt", retention, partial_filter={"status": SENT})

    async def add(self, session: AsyncClientSession, event: Event, *, correlation_id: str | None = None) -> Envelope:
        envelope, record = self._record(event, correlation_id)
        await self.collection.insert_one(record, session=session)
        return envelope

    async def add_many(self, session: AsyncClientSession, events: list[tuple[Event, str | None]]) -> list[Envelope]:
        """Several (event, correlation id) pairs in one write, e.g. from a batch of consumed events."""
        if not events:
            return []
        pairs = [self._record(event, correlation_id) for event, correlation_id in events]
        await self.collection.insert_many([record for _, record in pairs], session=session)
        return [envelope for envelope, _ in pairs]

    def _record(self, event: Event, correlation_id: str | None) -> tuple[Envelope, dict]:
        # Events caused by a request or another event carry its correlation id unless told otherwise.
        correlation_id = correlation_id or current_correlation_id.get()
        envelope = Envelope.wrap(event, source=self.source, correlation_id=correlation_id, actor=actor_record())
        return envelope, {"_id": envelope.id, "status": PENDING, "routingKey": envelope.type,
                          "body": envelope.to_json().decode(), "correlationId": correlation_id,
                          "createdAt": datetime.now(timezone.utc), "attempts": 0}

    def notify(self) -> None:
        """Called after a commit so the relay publishes at once instead of at its next poll."""
        self._wake.set()

    async def wait_for_work(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except asyncio.TimeoutError:
            pass
        self._wake.clear()

    async def backlog(self) -> int:
        return await self.collection.count_documents({"status": PENDING})


class OutboxRelay:
    """Publishes pending records with publisher confirms and marks them sent."""

    def __init__(self, outbox: Outbox, publisher: Publisher, *, batch_size: int, poll_seconds: float):
        self.outbox = outbox
        self.publisher = publisher
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds

    async def run(self) -> None:
        failures = 0
        while True:
            try:
                published = await self.publish_pending()
                failures = 0
            except PublishFailed as exc:
                failures += 1
                log.warning("outbox publish failed; will retry", extra={"error": str(exc), "failures": failures})
                await asyncio.sleep(min(5.0, 0.2 * 2 ** min(failures, 5)))
                continue
            except Exception:
                failures += 1
                log.exception("outbox relay error")
                await asyncio.sleep(min(5.0, 0.2 * 2 ** min(failures, 5)))
                continue
            if published < self.batch_size:
                await self.outbox.wait_for_work(self.poll_seconds)

    async def publish_pending(self) -> int:
        """Publishes one batch, oldest first; returns how many records it marked sent."""
        records = await self.outbox.collection.find({"status": PENDING}).sort("createdAt", ASCENDING).limit(
            self.batch_size).to_list()
        if not records:
            return 0
        results = await asyncio.gather(*(self._publish(r) for r in records), return_exceptions=True)
        sent_ids = [r["_id"] for r, result in zip(records, results) if result is None]
        for record, result in zip(records, results):
            if result is None:
                EVENTS_PUBLISHED.labels(self.outbox.source, record["routingKey"]).inc()
        if sent_ids:
            await self.outbox.collection.update_many(
                {"_id": {"$in": sent_ids}}, {"$set": {"status": SENT, "sentAt": datetime.now(timezone.utc)}}
            )
        failed = [result for result in results if result is not None]
        if failed:
            await self.outbox.collection.update_many(
                {"_id": {"$in": [r["_id"] for r, res in zip(records, results) if res is not None]}},
                {"$inc": {"attempts": 1}},
            )
            raise PublishFailed(f"{len(failed)} of {len(records)} not confirmed: {failed[0]}")
        return len(sent_ids)

    async def _publish(self, record: dict) -> None:
        await self.publisher.publish(
            record["body"].encode(), routing_key=record["routingKey"], message_id=record["_id"],
            correlation_id=record.get("correlationId"),
        )
