"""MemberStore: the customer ids loyalty knows exist, kept from customer.created/deleted and order.placed."""
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase


class MemberStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["known_customers"]

    async def ensure_indexes(self) -> None:
        """Keyed by the customer id; nothing else to index."""

    async def mark_known(self, customer_id: str, at: datetime, session: AsyncClientSession) -> None:
        # A deleted customer stays deleted: a late order.placed must not bring them back.
        await self.collection.update_one({"_id": customer_id}, {"$setOnInsert": {"deleted": False, "since": at}},
                                         upsert=True, session=session)

    async def mark_deleted(self, customer_id: str, at: datetime, session: AsyncClientSession) -> None:
        await self.collection.update_one({"_id": customer_id}, {"$set": {"deleted": True, "deletedAt": at}},
                                         upsert=True, session=session)

    async def exists(self, customer_id: str, session: AsyncClientSession | None = None) -> bool:
        doc = await self.collection.find_one({"_id": customer_id}, session=session)
        return doc is not None and not doc.get("deleted", False)
