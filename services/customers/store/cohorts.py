"""CohortStore: retention by registration month, two set-based aggregations (never one query per customer).

A cohort is the profiles registered in one calendar month (UTC), merged profiles included (they were signed up
then). In each month since, the cohort's active share is how many of them had an order paid that month. An order
counts for the profile it was placed under (`placedBy`, kept through merges); erased profiles keep their id and
registration date, so erasure changes nothing here either.
"""
from dataclasses import dataclass
from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase

from services.customers.store.stats import BUYER


def _month(field: str) -> dict:
    return {"$dateTrunc": {"date": field, "unit": "month", "timezone": "UTC"}}


def _first_registration(joined: str) -> dict:
    # The first joined profile's date, through $let: a path into an array ("$live.registrationDate") reads as
    # null on SecantusDB where MongoDB gives the array.
    return {"$let": {"vars": {"doc": {"$arrayElemAt": [joined, 0]}}, "in": "$$doc.registrationDate"}}


@dataclass(frozen=True)
class CohortCell:
    cohort: datetime  # the registration month
    month: datetime  # the month the orders were paid in
    buyers: int


class CohortStore:
    def __init__(self, db: AsyncDatabase):
        self.customers = db["customers"]
        self.orders = db["orders"]
        # Indexes: registrationDate (store/customers.py; merged_customers in store/stats.py), orders.paidAt
        # (store/stats.py).

    async def sizes(self, start: datetime) -> dict[datetime, int]:
        """Profiles registered from start on, per registration month (live, erased and merged ones)."""
        since = {"$match": {"registrationDate": {"$gte": start}}}
        rows = await (await self.customers.aggregate([
            since, {"$project": {"registrationDate": 1}},
            {"$unionWith": {"coll": "merged_customers", "pipeline": [since, {"$project": {"registrationDate": 1}}]}},
            {"$group": {"_id": _month("$registrationDate"), "size": {"$sum": 1}}},
        ])).to_list()
        return {_naive(row["_id"]): row["size"] for row in rows}

    async def cells(self, start: datetime) -> list[CohortCell]:
        """For each (registration month, order month) from start on: how many of that cohort bought that month.
        The orders paid since start, one row per buyer and month, each joined once to its profile by _id."""
        profile = {"registrationDate": 1}
        rows = await (await self.orders.aggregate([
            {"$match": {"paidAt": {"$gte": start}}},
            {"$group": {"_id": {"buyer": BUYER, "month": _month("$paidAt")}}},
            {"$lookup": {"from": "customers", "localField": "_id.buyer", "foreignField": "_id", "as": "live",
                         "pipeline": [{"$project": profile}]}},
            {"$lookup": {"from": "merged_customers", "localField": "_id.buyer", "foreignField": "_id",
                         "as": "merged", "pipeline": [{"$project": profile}]}},
            {"$project": {"month": "$_id.month", "registered": {"$ifNull": [
                _first_registration("$live"), _first_registration("$merged")]}}},
            {"$match": {"registered": {"$gte": start}}},
            {"$group": {"_id": {"cohort": _month("$registered"), "month": "$month"}, "buyers": {"$sum": 1}}},
        ])).to_list()
        return [CohortCell(_naive(r["_id"]["cohort"]), _naive(r["_id"]["month"]), r["buyers"]) for r in rows]


def _naive(value: datetime) -> datetime:
    """Months as keys: pymongo hands back naive UTC datetimes unless tz_aware; compare them without a zone."""
    return value.replace(tzinfo=None)
