"""MemberStore: the customers loyalty knows, each with their status: from customer.created/updated, from a paid
order (which implies the customer exists), or from asking the customers service; a tombstone after a delete."""
from datetime import datetime, timezone

from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

Session = AsyncClientSession | None

SUSPENDED = "suspended"


class MemberStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["known_customers"]

    async def ensure_indexes(self) -> None:
        """Keyed by the customer id; nothing else to index."""

    async def get(self, customer_id: str, session: Session = None) -> dict | None:
        return await self.collection.find_one({"_id": customer_id}, session=session)

    async def remember(self, customer_id: str, status: str, at: datetime, learnt_from: str,
                       session: Session = None) -> dict:
        """Keeps the status as of `at`; an older status arriving late (events may be reordered) changes nothing.
        A tombstone stays a tombstone: the status is kept on it but `deleted` is never cleared."""
        at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
        known = await self.get(customer_id, session)
        if known is not None and known.get("statusAt") is not None and known["statusAt"] >= at:
            return known
        return await self.collection.find_one_and_update(
            {"_id": customer_id},
            {"$set": {"status": status, "statusAt": at},
             "$setOnInsert": {"deleted": False, "since": at, "learntFrom": learnt_from}},
            upsert=True, return_document=ReturnDocument.AFTER, session=session)

    async def known_many(self, customer_ids: list[str], at: datetime, session: AsyncClientSession) -> dict[str, dict]:
        """Each customer as known, those never seen learnt now (a paid order implies the customer exists; their
        status comes with their events): one read, and one write only when some were never seen."""
        docs = {d["_id"]: d for d in await self.collection.find({"_id": {"$in": customer_ids}}, session=session)
                .to_list()}
        new = [{"_id": c, "deleted": False, "since": at, "status": None, "learntFrom": "order"}
               for c in customer_ids if c not in docs]
        if new:
            await self.collection.insert_many(new, session=session)
        return docs | {d["_id"]: d for d in new}

    async def mark_deleted(self, customer_id: str, at: datetime, session: AsyncClientSession) -> None:
        await self.collection.update_one({"_id": customer_id}, {"$set": {"deleted": True, "deletedAt": at},
                                                               "$setOnInsert": {"since": at, "learntFrom": "event"}},
                                         upsert=True, session=session)


def is_suspended(member: dict) -> bool:
    return member.get("status") == SUSPENDED
