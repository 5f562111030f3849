"""LedgerStore: immutable point entries (earn, adjust, redeem, expire, clawback, deduct, void), newest first."""
from datetime import datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from services.loyalty.domain.records import LedgerEntry
from shared.data_export import read_all
from shared.keyed_pages import KeyedPage, pages_by_key

# Credits that expire; merge_in carries the expiry of the points it moved (handlers/merges.py).
CREDITS = ["earn", "adjust", "merge_in"]
ORDER_KIND_INDEX = "orderId_1_kind_1"
# Record field -> document field, for what an entry may refer to; absent from the document when not set.
OPTIONAL = {"expires_at": "expiresAt", "actor": "actor", "order_id": "orderId", "base_minor": "baseMinor",
            "return_id": "returnId", "returned_minor": "returnedMinor", "shortfall": "shortfall",
            "earn_entry_id": "earnEntryId", "reward_id": "rewardId", "redemption_id": "redemptionId",
            "request_id": "requestId", "merged_id": "mergedId"}


def entry_doc(entry: LedgerEntry) -> dict:
    doc = {"_id": entry.id, "customerId": entry.customer_id, "programId": entry.program_id, "period": entry.period,
           "kind": entry.kind, "points": entry.points, "balanceAfter": entry.balance_after, "reason": entry.reason,
           "sourceType": entry.source_type, "sourceId": entry.source_id, "createdAt": entry.created_at}
    return doc | {key: getattr(entry, attr) for attr, key in OPTIONAL.items() if getattr(entry, attr) is not None}


def entry_of(doc: dict) -> LedgerEntry:
    """Entries earned under order.placed kept the order total as orderTotalMinor."""
    optional = {attr: doc.get(key) for attr, key in OPTIONAL.items()}
    if optional["base_minor"] is None:
        optional["base_minor"] = doc.get("orderTotalMinor")
    return LedgerEntry(id=doc["_id"], customer_id=doc["customerId"], program_id=doc.get("programId"),
                       period=doc.get("period"), kind=doc["kind"], points=doc["points"],
                       balance_after=doc.get("balanceAfter"), reason=doc.get("reason"),
                       source_type=doc.get("sourceType"), source_id=doc.get("sourceId"),
                       created_at=doc.get("createdAt"), **optional)


class LedgerStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["ledger"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customerId", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)])
        # One earn and one refund clawback per order (no returnId: indexed as null), and one clawback per item
        # return, whatever the number of deliveries of their events. It replaces the index on (orderId, kind),
        # which allowed a single clawback per order.
        await self._drop_index_if_present(ORDER_KIND_INDEX)
        await self.collection.create_index([("orderId", ASCENDING), ("kind", ASCENDING), ("returnId", ASCENDING)],
                                           unique=True, partialFilterExpression={"orderId": {"$type": "string"}})
        # SecantusDB never plans a query with a partial index: without this plain one, for_order scans the ledger.
        await self.collection.create_index([("orderId", ASCENDING)])
        # A manual credit sent again with the same requestId is the same credit.
        await self.collection.create_index([("customerId", ASCENDING), ("requestId", ASCENDING)], unique=True,
                                           partialFilterExpression={"requestId": {"$type": "string"}})
        await self.collection.create_index([("expiresAt", ASCENDING)])
        await self.collection.create_index([("programId", ASCENDING), ("createdAt", ASCENDING)])

    async def _drop_index_if_present(self, name: str) -> None:
        try:
            if name in await self.collection.index_information():
                await self.collection.drop_index(name)
        except OperationFailure:
            pass  # another replica starting at the same moment dropped it first

    async def insert(self, entry: LedgerEntry, session: AsyncClientSession) -> None:
        await self.collection.insert_one(entry_doc(entry), session=session)

    async def insert_many(self, entries: list[LedgerEntry], session: AsyncClientSession) -> None:
        if entries:
            await self.collection.insert_many([entry_doc(e) for e in entries], session=session)

    async def orders_with(self, order_ids: list[str], kind: str, session: AsyncClientSession) -> set[str]:
        """Which of these orders already have an entry of this kind."""
        docs = await self.collection.find({"orderId": {"$in": order_ids}, "kind": kind}, projection={"orderId": 1},
                                          session=session).to_list()
        return {d["orderId"] for d in docs}

    async def for_order(self, order_id: str, kind: str, session: AsyncClientSession) -> LedgerEntry | None:
        doc = await self.collection.find_one({"orderId": order_id, "kind": kind}, session=session)
        return entry_of(doc) if doc is not None else None

    async def for_request(self, customer_id: str, request_id: str,
                          session: AsyncClientSession | None = None) -> LedgerEntry | None:
        doc = await self.collection.find_one({"customerId": customer_id, "requestId": request_id}, session=session)
        return entry_of(doc) if doc is not None else None

    async def page_for_customer(self, customer_id: str, limit: int, offset: int) -> KeyedPage:
        return (await self.pages_for_customers([customer_id], limit, offset))[customer_id]

    async def pages_for_customers(self, customer_ids: list[str], limit: int, offset: int) -> dict[str, KeyedPage]:
        """A page of entries (LedgerEntry items), newest first, for each customer id, in one query."""
        pages = await pages_by_key(self.collection, "customerId", customer_ids,
                                   [("createdAt", DESCENDING), ("_id", DESCENDING)], limit, offset)
        return {key: KeyedPage([entry_of(d) for d in found.items], found.total) for key, found in pages.items()}

    async def all_for_customer(self, customer_id: str) -> list[LedgerEntry]:
        """Every entry of the customer, newest first, for their data export (bounded: shared.data_export)."""
        docs = await read_all(self.collection, {"customerId": customer_id},
                              [("createdAt", DESCENDING), ("_id", DESCENDING)], what="ledger entries")
        return [entry_of(d) for d in docs]

    async def expired_credits(self, now: datetime) -> dict[str, int]:
        """Per customer: all credits whose expiry has passed (debits are then taken from the oldest first)."""
        cursor = await self.collection.aggregate([
            {"$match": {"kind": {"$in": CREDITS}, "expiresAt": {"$lte": now}}},
            {"$group": {"_id": "$customerId", "points": {"$sum": "$points"}}},
        ])
        return {row["_id"]: row["points"] for row in await cursor.to_list()}

    async def expired_credits_of(self, customer_id: str, now: datetime, session: AsyncClientSession) -> int:
        """One customer's credits whose expiry has passed, read in the caller's transaction."""
        cursor = await self.collection.aggregate([
            {"$match": {"customerId": customer_id, "kind": {"$in": CREDITS}, "expiresAt": {"$lte": now}}},
            {"$group": {"_id": None, "points": {"$sum": "$points"}}},
        ], session=session)
        rows = await cursor.to_list()
        return rows[0]["points"] if rows else 0

    async def totals(self, program_id: str, since: datetime | None, until: datetime | None) -> list[dict]:
        """Sums per period and kind: points (signed), shortfall, entries."""
        match: dict = {"programId": program_id}
        if since or until:
            match["createdAt"] = {**({"$gte": since} if since else {}), **({"$lt": until} if until else {})}
        cursor = await self.collection.aggregate([
            {"$match": match},
            {"$group": {"_id": {"period": "$period", "kind": "$kind"}, "points": {"$sum": "$points"},
                        "shortfall": {"$sum": {"$ifNull": ["$shortfall", 0]}}, "entries": {"$sum": 1}}},
        ])
        return await cursor.to_list()
