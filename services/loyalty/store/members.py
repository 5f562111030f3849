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

    async def mark_known_many(self, customer_ids: list[str], at: datetime, session: AsyncClientSession) -> set[str]:
        """mark_known for each, then which of them exist: one read, and a write only for customers never seen."""
        docs = {d["_id"]: d for d in await self.collection.find({"_id": {"$in": customer_ids}}, session=session)
                .to_list()}
        new = [c for c in customer_ids if c not in docs]
        if new:
            await self.collection.insert_many([{"_id": c, "deleted": False, "since": at} for c in new], session=session)
        return {c for c in customer_ids if c not in docs or not docs[c].get("deleted", False)}

    async def mark_deleted(self, customer_id: str, at: datetime, session: AsyncClientSession) -> None:
        await self.collection.update_one({"_id": customer_id}, {"$set": {"deleted": True, "deletedAt": at}},
                                         upsert=True, session=session)

    async def exists(self, customer_id: str, session: AsyncClientSession | None = None) -> bool:
        doc = await self.collection.find_one({"_id": customer_id}, session=session)
        return doc is not None and not doc.get("deleted", False)
