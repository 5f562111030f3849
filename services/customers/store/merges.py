"""MergeStore: the tombstones of merged customers, and the writes that move a merged customer's orders and timeline
to the kept one.

A tombstone lives in its own collection (`merged_customers`), not in `customers`: a merged profile is then listed,
counted, searched and targeted by nothing (every query over customers leaves it out without knowing about merges),
its email is free again, and only reads by id look here."""
from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

Session = AsyncClientSession | None


class MergeStore:
    def __init__(self, db: AsyncDatabase):
        self.tombstones = db["merged_customers"]
        self.orders = db["orders"]
        self.activity = db["activity"]

    async def ensure_indexes(self) -> None:
        await self.tombstones.create_index([("mergedInto", ASCENDING)])

    async def bury(self, tombstone: dict, session: AsyncClientSession) -> None:
        await self.tombstones.insert_one(tombstone, session=session)

    async def repoint_tombstones(self, merged_id: str, kept_id: str, session: AsyncClientSession) -> int:
        """Customers merged earlier into the one merged now point at the kept one: an old id always names a live
        customer, never a chain of tombstones."""
        result = await self.tombstones.update_many({"mergedInto": merged_id}, {"$set": {"mergedInto": kept_id}},
                                                   session=session)
        return result.modified_count

    async def tombstone(self, customer_id: str, session: Session = None) -> dict | None:
        return await self.tombstones.find_one({"_id": customer_id}, session=session)

    async def tombstones_by_ids(self, customer_ids: list[str]) -> dict[str, dict]:
        docs = await self.tombstones.find({"_id": {"$in": customer_ids}}).to_list()
        return {d["_id"]: d for d in docs}

    async def merged_into(self, kept_id: str, session: Session = None) -> list[dict]:
        """The tombstones of the customers merged into this one (directly)."""
        return await self.tombstones.find({"mergedInto": kept_id}, session=session).to_list()

    async def forget_tombstones_of(self, kept_id: str, marker: str, session: AsyncClientSession) -> int:
        """Erasure of the kept customer: the names and email its merged profiles left behind are overwritten too."""
        result = await self.tombstones.update_many(
            {"mergedInto": kept_id}, {"$set": {"firstName": marker, "lastName": marker, "email": marker}},
            session=session)
        return result.modified_count

    async def move_orders(self, merged_id: str, kept_id: str, session: AsyncClientSession) -> int:
        """The merged customer's orders become the kept one's; each notes where it came from."""
        result = await self.orders.update_many({"customerId": merged_id},
                                               {"$set": {"customerId": kept_id, "mergedFrom": merged_id}},
                                               session=session)
        return result.modified_count

    async def move_activity(self, merged_id: str, kept_id: str, session: AsyncClientSession) -> int:
        result = await self.activity.update_many({"customerId": merged_id},
                                                 {"$set": {"customerId": kept_id, "mergedFrom": merged_id}},
                                                 session=session)
        return result.modified_count

    async def order_figures(self, customer_id: str, session: AsyncClientSession) -> list[dict]:
        """Per order status: what the orders still count for (total less returns), how many, the latest placedAt.
        One aggregation on the (customerId, placedAt) index."""
        cursor = await self.orders.aggregate([
            {"$match": {"customerId": customer_id}},
            {"$group": {"_id": "$status",
                        "spent": {"$sum": {"$subtract": ["$totalMinor", {"$ifNull": ["$returnedMinor", 0]}]}},
                        "orders": {"$sum": 1}, "latest": {"$max": "$placedAt"}}},
        ], session=session)
        return await cursor.to_list()
