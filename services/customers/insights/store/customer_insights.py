"""CustomerInsightStore: the insights on the customer document (`insights.*`), the orders they are computed from,
and the dirty mark (`insightsDirtyAt`) the order path sets for the incremental scorer."""
from collections.abc import AsyncIterator
from datetime import datetime

from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from services.customers.insights.domain.history import ORDER_FIELDS

DIRTY = "insightsDirtyAt"
# The customer list filters and sorts on these (store/customer_filters.py); `insightsDirtyAt` finds the dirty.
INDEXES = [
    [("insights.rfm.group", ASCENDING)],
    [("insights.rfm.score", DESCENDING)],
    [("insights.churnRisk", DESCENDING)],
    [("insights.predictedClvMinor", DESCENDING)],
    [("insights.historicClvMinor", DESCENDING)],
    [(DIRTY, ASCENDING)],
]
# Tombstones (erased, merged) keep no insights.
SCORABLE = {"status": {"$ne": "erased"}, "mergedInto": {"$exists": False}}


class CustomerInsightStore:
    def __init__(self, db: AsyncDatabase):
        self.customers = db["customers"]
        self.orders = db["orders"]

    async def ensure_indexes(self) -> None:
        for keys in INDEXES:
            await self.customers.create_index(keys)

    async def customer_id_pages(self, size: int) -> AsyncIterator[list[str]]:
        """Every scorable customer's id, a page at a time, by _id (the primary index): memory stays one page."""
        after = None
        while True:
            query = dict(SCORABLE, **({"_id": {"$gt": after}} if after is not None else {}))
            page = [d["_id"] for d in await self.customers.find(query, projection={"_id": 1})
                    .sort("_id", ASCENDING).limit(size).to_list()]
            if not page:
                return
            yield page
            after = page[-1]

    async def orders_of(self, customer_ids: list[str]) -> list[dict]:
        """The customers' orders, only the fields the insights read (the customerId index serves the $in)."""
        return await self.orders.find({"customerId": {"$in": customer_ids}}, projection=ORDER_FIELDS).to_list()

    async def dirty(self, limit: int) -> list[dict]:
        """Customers whose orders changed since they were last scored, oldest mark first."""
        return await self.customers.find({DIRTY: {"$lte": datetime.max}}, projection={DIRTY: 1}) \
            .sort(DIRTY, ASCENDING).limit(limit).to_list()

    async def write(self, insights: list[tuple[str, dict]], as_of: datetime) -> int:
        """A refit's scores, in one bulk write. Tombstones are left alone, and so is a customer the incremental
        scorer scored after `as_of` (the refit read their orders before that order came)."""
        if not insights:
            return 0
        result = await self.customers.bulk_write(
            [UpdateOne({"_id": customer_id, **SCORABLE, "insights.updatedAt": {"$not": {"$gt": as_of}}},
                       {"$set": {"insights": doc}})
             for customer_id, doc in insights], ordered=False)
        return result.modified_count

    async def write_dirty(self, insights: dict[str, dict | None], marks: dict[str, datetime]) -> None:
        """Scores of dirty customers (None: no counted order left, the insights go), clearing the mark only if it is
        still the one read: an order that came meanwhile leaves the customer dirty for the next round."""
        ops = []
        for customer_id, mark in marks.items():
            doc = insights.get(customer_id)
            update = {"$set": {"insights": doc}, "$unset": {DIRTY: ""}} if doc is not None \
                else {"$unset": {"insights": "", DIRTY: ""}}
            ops.append(UpdateOne({"_id": customer_id, DIRTY: mark}, update))
        if ops:
            await self.customers.bulk_write(ops, ordered=False)

    async def clear_marks_before(self, moment: datetime) -> int:
        """Dirty marks a refit has covered: set before it read any order (the scorer need not redo them)."""
        result = await self.customers.update_many({DIRTY: {"$lt": moment}}, {"$unset": {DIRTY: ""}})
        return result.modified_count

    async def forget_unscored(self, model_id: str, before: datetime) -> int:
        """After a refit: customers it did not score (no counted order left) lose their old insights; ones an
        incremental score wrote since the refit began keep theirs."""
        result = await self.customers.update_many(
            {"insights.modelId": {"$ne": model_id}, "insights.updatedAt": {"$lt": before}},
            {"$unset": {"insights": ""}})
        return result.modified_count
