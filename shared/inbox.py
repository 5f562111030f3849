"""Idempotent consumption: the handled event id is recorded in the same transaction as the effect."""
from datetime import datetime, timezone

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from shared.events.envelope import Envelope


class AlreadyHandled(Exception):
    """This event id was handled before; the delivery is a duplicate."""


class Inbox:
    def __init__(self, collection: AsyncCollection):
        self.collection = collection

    async def seen(self, event_id: str) -> bool:
        return await self.collection.find_one({"_id": event_id}, projection={"_id": 1}) is not None

    async def record(self, session: AsyncClientSession, envelope: Envelope) -> None:
        """Call first inside the transaction, so a duplicate aborts it before any effect."""
        try:
            await self.collection.insert_one(
                {"_id": envelope.id, "type": envelope.type, "handledAt": datetime.now(timezone.utc)}, session=session
            )
        except DuplicateKeyError as exc:
            raise AlreadyHandled(envelope.id) from exc
