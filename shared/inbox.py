"""Idempotent consumption: the handled event id is recorded in the same transaction as the effect.

A marker is kept for the retention period (a TTL index on handledAt), then the database deletes it; a duplicate
delivered later than that would be handled again. The broker redelivers within minutes (unacked on a lost
connection, requeued on a failure), so a retention of days leaves a wide margin; see README "Bounded growth".
"""
from datetime import datetime, timedelta, timezone

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from shared.events.envelope import Envelope
from shared.retention import expire_after


class AlreadyHandled(Exception):
    """This event id was handled before; the delivery is a duplicate."""


class Inbox:
    def __init__(self, collection: AsyncCollection):
        self.collection = collection

    async def ensure_indexes(self, *, retention: timedelta) -> None:
        await expire_after(self.collection, "handledAt", retention)

    async def seen(self, event_id: str) -> bool:
        return await self.collection.find_one({"_id": event_id}, projection={"_id": 1}) is not None

    async def seen_many(self, event_ids: list[str]) -> set[str]:
        """Which of these event ids were handled before (one query for a whole batch)."""
        docs = await self.collection.find({"_id": {"$in": event_ids}}, projection={"_id": 1}).to_list()
        return {d["_id"] for d in docs}

    async def record(self, session: AsyncClientSession, envelope: Envelope) -> None:
        """Call first inside the transaction, so a duplicate aborts it before any effect."""
        try:
            await self.collection.insert_one(
                {"_id": envelope.id, "type": envelope.type, "handledAt": datetime.now(timezone.utc)}, session=session
            )
        except DuplicateKeyError as exc:
            raise AlreadyHandled(envelope.id) from exc

    async def record_many(self, session: AsyncClientSession, envelopes: list[Envelope]) -> None:
        """One marker per event of a batch, first inside its transaction; any duplicate aborts the whole batch."""
        now = datetime.now(timezone.utc)
        try:
            await self.collection.insert_many(
                [{"_id": e.id, "type": e.type, "handledAt": now} for e in envelopes], session=session)
        except BulkWriteError as exc:
            if all(error.get("code") == 11000 for error in exc.details.get("writeErrors", [])):
                raise AlreadyHandled(", ".join(e.id for e in envelopes)) from exc
            raise
