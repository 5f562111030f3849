"""MemberStore: the customers loyalty knows, each with their status: from customer.created/updated, from a paid
order (which implies the customer exists), or from asking the customers service; a tombstone after a delete."""
from datetime import datetime, timezone

from pymongo import ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.loyalty.domain.records import Member

Session = AsyncClientSession | None


def member_of(doc: dict) -> Member:
    return Member(customer_id=doc["_id"], status=doc.get("status"), status_at=doc.get("statusAt"),
                  deleted=doc.get("deleted", False), deleted_at=doc.get("deletedAt"), since=doc.get("since"),
                  learnt_from=doc.get("learntFrom"))


class MemberStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["known_customers"]

    async def ensure_indexes(self) -> None:
        """Keyed by the customer id; nothing else to index."""

    async def get(self, customer_id: str, session: Session = None) -> Member | None:
        doc = await self.collection.find_one({"_id": customer_id}, session=session)
        return member_of(doc) if doc is not None else None

    async def remember(self, customer_id: str, status: str, at: datetime, learnt_from: str,
                       session: Session = None) -> Member:
        """Keeps the status as of `at`; an older status arriving late (events may be reordered) changes nothing.
        A tombstone stays a tombstone: the status is kept on it but `deleted` is never cleared."""
        at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
        known = await self.get(customer_id, session)
        if known is not None and known.status_at is not None and known.status_at >= at:
            return known
        try:
            doc = await self.collection.find_one_and_update(
                {"_id": customer_id},
                {"$set": {"status": status, "statusAt": at},
                 "$setOnInsert": {"deleted": False, "since": at, "learntFrom": learnt_from}},
                upsert=True, return_document=ReturnDocument.AFTER, session=session)
        except DuplicateKeyError:  # two first lookups of one id at once (a page's loaders): the other one inserted
            doc = None
        if doc is None:  # ... and SecantusDB may answer the losing upsert with None instead: read what won
            doc = await self.collection.find_one({"_id": customer_id}, session=session)
        if doc is None:
            return Member(customer_id=customer_id, status=status, status_at=at, since=at, learnt_from=learnt_from)
        return member_of(doc)

    async def known_many(self, customer_ids: list[str], at: datetime,
                         session: AsyncClientSession) -> dict[str, Member]:
        """Each customer as known, those never seen learnt now (a paid order implies the customer exists; their
        status comes with their events): one read, and one write only when some were never seen."""
        docs = {d["_id"]: d for d in await self.collection.find({"_id": {"$in": customer_ids}}, session=session)
                .to_list()}
        new = [{"_id": c, "deleted": False, "since": at, "status": None, "learntFrom": "order"}
               for c in customer_ids if c not in docs]
        if new:
            await self.collection.insert_many(new, session=session)
        return {c: member_of(d) for c, d in (docs | {d["_id"]: d for d in new}).items()}

    async def mark_deleted(self, customer_id: str, at: datetime, session: AsyncClientSession) -> None:
        await self.collection.update_one({"_id": customer_id}, {"$set": {"deleted": True, "deletedAt": at},
                                                               "$setOnInsert": {"since": at, "learntFrom": "event"}},
                                         upsert=True, session=session)
