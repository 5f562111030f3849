"""ConsentStore: the append-only consent ledger (collection `consents`), as typed records.

Nothing here updates a record except the two data-rights operations that must: `redact_for_customer` (erasure
drops the network facts, the decision stays as proof) and `move_to` (a merge moves the ledger to the kept
customer, noting where each record came from).
"""
import uuid
from dataclasses import dataclass, field

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.customers.domain.consents import ConsentRecord
from shared.keyed_pages import pages_by_key

# Newest first; recordedAt then _id break ties, so a page window is stable.
NEWEST_FIRST = [("occurredAt", DESCENDING), ("recordedAt", DESCENDING), ("_id", DESCENDING)]


@dataclass(frozen=True)
class ConsentPage:
    items: list[ConsentRecord] = field(default_factory=list)
    total: int = 0


class ConsentStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["consents"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customerId", ASCENDING), *NEWEST_FIRST])
        # The latest decision of one channel and purpose (what the flags are derived from).
        await self.collection.create_index([("customerId", ASCENDING), ("channel", ASCENDING),
                                            ("purpose", ASCENDING), *NEWEST_FIRST])
        # A pending double opt-in is confirmed once: the confirming grant names it.
        await self.collection.create_index([("confirms", ASCENDING)], sparse=True)

    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    async def append(self, doc: dict, session: AsyncClientSession) -> ConsentRecord:
        await self.collection.insert_one(doc, session=session)
        return ConsentRecord.from_doc(doc)

    async def get(self, record_id: str, session: AsyncClientSession | None = None) -> ConsentRecord | None:
        doc = await self.collection.find_one({"_id": record_id}, session=session)
        return ConsentRecord.from_doc(doc) if doc else None

    async def confirmation_of(self, pending_id: str, session: AsyncClientSession | None = None) -> ConsentRecord | None:
        doc = await self.collection.find_one({"confirms": pending_id}, session=session)
        return ConsentRecord.from_doc(doc) if doc else None

    async def latest_decision(self, customer_id: str, channel: str,
                              session: AsyncClientSession | None = None) -> ConsentRecord | None:
        """The channel's latest marketing grant or revoke: what its opt-in flag says."""
        doc = await self.collection.find_one(
            {"customerId": customer_id, "channel": channel, "purpose": "marketing",
             "status": {"$in": ["granted", "revoked"]}}, sort=NEWEST_FIRST, session=session)
        return ConsentRecord.from_doc(doc) if doc else None

    async def for_customer(self, customer_id: str, session: AsyncClientSession | None = None) -> list[ConsentRecord]:
        docs = await self.collection.find({"customerId": customer_id}, session=session).sort(NEWEST_FIRST).to_list()
        return [ConsentRecord.from_doc(d) for d in docs]

    async def page_for_customer(self, customer_id: str, limit: int, offset: int) -> ConsentPage:
        return (await self.pages_for_customers([customer_id], limit, offset))[customer_id]

    async def pages_for_customers(self, customer_ids: list[str], limit: int, offset: int) -> dict[str, ConsentPage]:
        """A page of the ledger, newest first, for each customer id, in one query."""
        pages = await pages_by_key(self.collection, "customerId", customer_ids, NEWEST_FIRST, limit, offset)
        return {cid: ConsentPage([ConsentRecord.from_doc(d) for d in page.items], page.total)
                for cid, page in pages.items()}

    async def redact_for_customer(self, customer_id: str, session: AsyncClientSession) -> int:
        """Erasure: the IP address and user agent go; who decided what, when and how stays (the proof a shop
        must keep that it had, or no longer had, consent). Returns how many records were redacted."""
        result = await self.collection.update_many(
            {"customerId": customer_id, "$or": [{"ip": {"$exists": True}}, {"userAgent": {"$exists": True}}]},
            {"$unset": {"ip": "", "userAgent": ""}}, session=session)
        return result.modified_count

    async def move_to(self, merged_id: str, kept_id: str, session: AsyncClientSession) -> int:
        """Merge: the merged customer's records become the kept customer's, each noting where it came from.
        The caller then re-derives the kept customer's flags (handlers.consents.rederive_flags)."""
        result = await self.collection.update_many(
            {"customerId": merged_id}, {"$set": {"customerId": kept_id, "movedFrom": merged_id}}, session=session)
        return result.modified_count
