"""CustomerStore: customer documents, their indexes, totals and loyalty read model."""
from datetime import datetime

from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.customers.domain.queries import CustomerQuery
from services.customers.store.customer_filters import compile_filter, compile_sort
from services.customers.store.search_backfill import backfill_search_fields
from shared.errors import Conflict

INDEXES = [
    ([("emailKey", ASCENDING)], {"unique": True, "name": "email_unique"}),
    ([("status", ASCENDING), ("registrationDate", DESCENDING)], {}),
    ([("loyaltyTier", ASCENDING)], {}),
    ([("tags", ASCENDING)], {}),
    ([("totalSpentMinor", DESCENDING)], {}),
    ([("totalOrders", DESCENDING)], {}),
    ([("registrationDate", DESCENDING)], {}),
    ([("lastPurchaseDate", DESCENDING)], {}),
    ([("lastName", ASCENDING), ("firstName", ASCENDING)], {}),
    ([("firstName", ASCENDING)], {}),
    ([("loyaltyPoints", DESCENDING)], {}),
    ([("createdAt", DESCENDING)], {}),
    ([("searchPrefixes", ASCENDING)], {"name": "search_prefixes"}),  # multikey: customer search (q)
]


# Set with every change of a customer's orders, in the same write: the insights' incremental scorer rescores the
# marked customers off the order path (services/customers/insights/handlers/incremental.py).
INSIGHTS_DIRTY = "insightsDirtyAt"
# What only search reads: a page of customers leaves it in the database.
SEARCH_ONLY_FIELDS = {"searchPrefixes": 0, "searchText": 0}


class CustomerStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["customers"]

    async def ensure_indexes(self) -> None:
        """The indexes, and the search fields they serve on customers stored before search had them."""
        for keys, options in INDEXES:
            await self.collection.create_index(keys, **options)
        await backfill_search_fields(self.collection)

    async def insert(self, doc: dict, session: AsyncClientSession) -> None:
        try:
            await self.collection.insert_one(doc, session=session)
        except DuplicateKeyError as exc:
            raise Conflict("a customer with this email already exists", field="email") from exc

    async def get(self, customer_id: str, session: AsyncClientSession | None = None) -> dict | None:
        return await self.collection.find_one({"_id": customer_id}, session=session)

    async def update(self, customer_id: str, changes: dict, unset: list[str],
                     session: AsyncClientSession) -> dict | None:
        update: dict = {"$set": changes}
        if unset:
            update["$unset"] = {field: "" for field in unset}
        try:
            return await self.collection.find_one_and_update(
                {"_id": customer_id}, update, return_document=ReturnDocument.AFTER, session=session)
        except DuplicateKeyError as exc:
            raise Conflict("a customer with this email already exists", field="email") from exc

    async def delete(self, customer_id: str, session: AsyncClientSession) -> bool:
        result = await self.collection.delete_one({"_id": customer_id}, session=session)
        return result.deleted_count == 1

    async def add_order(self, customer_id: str, total_minor: int, placed_at: datetime, now: datetime,
                        session: AsyncClientSession) -> bool:
        """Counts one order; $inc and $max keep totals exact under concurrent orders."""
        result = await self.collection.update_one(
            {"_id": customer_id},
            {"$inc": {"totalSpentMinor": total_minor, "totalOrders": 1},
             "$max": {"lastPurchaseDate": placed_at}, "$set": {"updatedAt": now, INSIGHTS_DIRTY: now}},
            session=session,
        )
        return result.matched_count == 1

    async def add_orders(self, totals: dict[str, tuple[int, int, datetime]], now: datetime,
                         session: AsyncClientSession) -> None:
        """Counts many orders in one write: customer id -> (spent in minor units, orders, latest placedAt)."""
        if totals:
            await self.collection.bulk_write([
                UpdateOne({"_id": customer_id}, {"$inc": {"totalSpentMinor": spent, "totalOrders": orders},
                                                 "$max": {"lastPurchaseDate": latest},
                                                 "$set": {"updatedAt": now, INSIGHTS_DIRTY: now}})
                for customer_id, (spent, orders, latest) in totals.items()], ordered=False, session=session)

    async def take_back(self, customer_id: str, amount_minor: int, now: datetime,
                        session: AsyncClientSession) -> None:
        """Returned items: the spend goes down, the order still counts."""
        await self.collection.update_one(
            {"_id": customer_id},
            {"$inc": {"totalSpentMinor": -amount_minor}, "$set": {"updatedAt": now, INSIGHTS_DIRTY: now}},
            session=session)

    async def existing_ids(self, customer_ids: list[str], session: AsyncClientSession) -> set[str]:
        docs = await self.collection.find({"_id": {"$in": customer_ids}}, projection={"_id": 1},
                                          session=session).to_list()
        return {d["_id"] for d in docs}

    async def many(self, customer_ids: list[str], session: AsyncClientSession) -> dict[str, dict]:
        docs = await self.collection.find({"_id": {"$in": customer_ids}}, session=session).to_list()
        return {d["_id"]: d for d in docs}

    async def remove_order(self, customer_id: str, total_minor: int, now: datetime,
                           session: AsyncClientSession) -> None:
        await self.collection.update_one(
            {"_id": customer_id},
            {"$inc": {"totalSpentMinor": -total_minor, "totalOrders": -1},
             "$set": {"updatedAt": now, INSIGHTS_DIRTY: now}},
            session=session,
        )

    async def set_loyalty(self, customer_id: str, fields: dict, session: AsyncClientSession, *,
                          version_field: str | None = None, version: int | None = None) -> bool | None:
        """True: applied. False: no such customer. None: the event is older than what the customer shows
        (events can arrive out of order; the loyalty account's version decides)."""
        query: dict = {"_id": customer_id}
        if version_field and version is not None:
            query["$or"] = [{version_field: {"$lt": version}}, {version_field: {"$exists": False}}]
            fields = {**fields, version_field: version}
        result = await self.collection.update_one(query, {"$set": fields}, session=session)
        if result.matched_count == 1:
            return True
        if "$or" in query and await self.get(customer_id, session) is not None:
            return None
        return False

    async def set_loyalty_many(self, fields: dict[str, dict], session: AsyncClientSession) -> None:
        """Customer id -> fields, in one write (the caller already decided which events are not stale)."""
        if fields:
            await self.collection.bulk_write([UpdateOne({"_id": customer_id}, {"$set": changes})
                                              for customer_id, changes in fields.items()],
                                             ordered=False, session=session)

    async def search(self, query: CustomerQuery) -> tuple[list[dict], int]:
        mongo_filter = compile_filter(query)
        cursor = self.collection.find(mongo_filter, projection=SEARCH_ONLY_FIELDS).sort(compile_sort(query)) \
            .skip(query.offset).limit(query.limit)
        items = await cursor.to_list()
        total = await self.collection.count_documents(mongo_filter)
        return items, total

    async def count(self, mongo_filter: dict) -> int:
        return await self.collection.count_documents(mongo_filter)

    async def order_value_totals(self) -> tuple[int, int]:
        """Sum of spend (minor units) and of orders over all customers."""
        cursor = await self.collection.aggregate([
            {"$group": {"_id": None, "spent": {"$sum": "$totalSpentMinor"}, "orders": {"$sum": "$totalOrders"}}}
        ])
        rows = await cursor.to_list()
        return (rows[0]["spent"], rows[0]["orders"]) if rows else (0, 0)
