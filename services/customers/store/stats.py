"""StatsStore: the dashboard's figures for one window, read from the orders by when money moved.

An order counts once, at `paidAt` (the moment it was paid; an order recorded as paid was paid when placed). Money
going back counts when it went back: an item return at its `returns.returnedAt`, a refund or cancellation of a paid
order at the order's `refundedAt`. None of these moments ever changes once written, so the figures of a closed
window read the same tomorrow. Each question is one aggregation driven by an index on its moment (bounded by the
window), never a scan of all orders.

Who bought is the order's `placedBy`: the customer id it was placed under, kept when a merge moves the order to
another customer (customerId changes, placedBy does not), so a merge does not rewrite who was active when.
"""
import asyncio
from dataclasses import dataclass
from datetime import datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

# Statuses in which an order has been paid (domain/orders.PAID) or was paid and then refunded.
_PAID_ONCE = ["paid", "shipped", "delivered", "refunded"]
_STOPPED = ["refunded", "cancelled"]
# Who bought: the profile the order was placed under (older orders: where a merge moved it from, else its owner).
BUYER = {"$ifNull": ["$placedBy", {"$ifNull": ["$mergedFrom", "$customerId"]}]}


@dataclass(frozen=True)
class WindowFigures:
    new_customers: int
    orders: int
    sales_minor: int  # what the orders paid in the window came to
    returns_minor: int  # item returns made in the window, whatever the order's date
    refunds_minor: int  # refunds and cancellations of paid orders made in the window (less returns already made)
    buyers: int  # customers with at least one order paid in the window
    repeat_buyers: int  # of those, customers for whom it was not their first paid order

    @property
    def revenue_minor(self) -> int:
        return self.sales_minor - self.returns_minor - self.refunds_minor


class StatsStore:
    def __init__(self, db: AsyncDatabase):
        self.orders = db["orders"]
        self.customers = db["customers"]
        self.merged = db["merged_customers"]

    async def ensure_indexes(self) -> None:
        await self.orders.create_index([("paidAt", ASCENDING)], name="paid_at")
        await self.orders.create_index([("refundedAt", ASCENDING)], name="refunded_at", sparse=True)
        await self.orders.create_index([("returns.returnedAt", ASCENDING)], name="returned_at", sparse=True)
        await self.orders.create_index([("placedBy", ASCENDING), ("paidAt", ASCENDING)], name="placed_by_paid_at")
        await self.merged.create_index([("registrationDate", DESCENDING)], name="registration_date")
        await self.backfill_moments()

    async def backfill_moments(self) -> None:
        """Orders stored before these moments were kept get them once (idempotent; each start looks again):
        paidAt = placedAt for an order that was paid when recorded (as paid_when_recorded sets it today),
        refundedAt = updatedAt for a refunded or cancelled one (its last change was that terminal one),
        placedBy = the customer it came from (mergedFrom) or belongs to."""
        await self.orders.update_many({"status": {"$in": _PAID_ONCE}, "paidAt": None},
                                      [{"$set": {"paidAt": "$placedAt"}}])
        await self.orders.update_many({"status": {"$in": _STOPPED}, "refundedAt": None},
                                      [{"$set": {"refundedAt": "$updatedAt"}}])
        await self.orders.update_many({"placedBy": None}, [{"$set": {"placedBy": BUYER}}])

    async def window(self, start: datetime, end: datetime) -> WindowFigures:
        paid, new, returned, refunded = await asyncio.gather(  # independent reads: the server overlaps them
            self._paid(start, end), self.registrations(start, end), self._returns(start, end),
            self._refunds(start, end))
        return WindowFigures(new_customers=new, orders=paid["orders"], sales_minor=paid["sales"],
                             returns_minor=returned, refunds_minor=refunded, buyers=paid["buyers"],
                             repeat_buyers=paid["repeat"])

    async def registrations(self, start: datetime, end: datetime) -> int:
        """Profiles registered in the window, merged ones included: a merge doesn't undo a sign-up that happened
        (erased profiles stay in `customers` as tombstones with their registrationDate)."""
        window = {"registrationDate": {"$gte": start, "$lt": end}}
        return await self.customers.count_documents(window) + await self.merged.count_documents(window)

    async def _paid(self, start: datetime, end: datetime) -> dict:
        """Orders paid in the window: how many, their sum, how many buyers, and how many of those bought again
        (two or more orders in the window, or one paid before it). One aggregation: the window's orders on the
        paidAt index, grouped per buyer; only the buyers with a single order in the window are joined, each to at
        most one earlier order on (placedBy, paidAt). The join is the costly part (docs/insights.md, Performance)."""
        [row] = await (await self.orders.aggregate([
            {"$match": {"paidAt": {"$gte": start, "$lt": end}}},
            {"$group": {"_id": BUYER, "orders": {"$sum": 1}, "sales": {"$sum": "$totalMinor"}}},
            {"$facet": {
                "totals": [{"$group": {"_id": None, "orders": {"$sum": "$orders"}, "sales": {"$sum": "$sales"},
                                       "buyers": {"$sum": 1},
                                       "again": {"$sum": {"$cond": [{"$gt": ["$orders", 1]}, 1, 0]}}}}],
                "returning": [
                    {"$match": {"orders": 1}},
                    {"$lookup": {"from": "orders", "localField": "_id", "foreignField": "placedBy", "as": "earlier",
                                 "pipeline": [{"$match": {"paidAt": {"$lt": start}}}, {"$limit": 1},
                                              {"$project": {"_id": 1}}]}},
                    {"$match": {"earlier": {"$ne": []}}},
                    {"$count": "buyers"}],
            }},
        ])).to_list()
        totals = row["totals"][0] if row["totals"] else {"orders": 0, "sales": 0, "buyers": 0, "again": 0}
        returning = row["returning"][0]["buyers"] if row["returning"] else 0
        return {**totals, "repeat": totals["again"] + returning}

    async def _returns(self, start: datetime, end: datetime) -> int:
        window = {"$gte": start, "$lt": end}
        rows = await (await self.orders.aggregate([
            {"$match": {"returns.returnedAt": window}},
            {"$unwind": "$returns"},
            {"$match": {"returns.returnedAt": window}},
            {"$group": {"_id": None, "amount": {"$sum": "$returns.amountMinor"}}},
        ])).to_list()
        return rows[0]["amount"] if rows else 0

    async def _refunds(self, start: datetime, end: datetime) -> int:
        """A paid order refunded or cancelled in the window gives back what it still counted for: its total less
        the item returns made before (those were counted when they happened). A pending order cancelled gave
        nothing back: it was never paid."""
        rows = await (await self.orders.aggregate([
            {"$match": {"refundedAt": {"$gte": start, "$lt": end}, "paidAt": {"$ne": None}}},
            {"$group": {"_id": None, "amount": {"$sum": {
                "$subtract": ["$totalMinor", {"$ifNull": ["$returnedMinor", 0]}]}}}},
        ])).to_list()
        return rows[0]["amount"] if rows else 0
