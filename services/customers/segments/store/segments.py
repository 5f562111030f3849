"""SegmentStore: segments, their members and sharded member counters, and the customer reads segments need."""
import zlib
from datetime import datetime

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.data_export import read_all
from shared.errors import Conflict

# Member counts are split over shards so concurrent joins don't all write one hot document.
COUNTER_SHARDS = 16
Session = AsyncClientSession | None


def live(mongo_filter: dict) -> dict:
    """The filter without erased customers (their tombstones keep totals but belong to no segment)."""
    if "status" in mongo_filter:
        return {"$and": [mongo_filter, {"status": {"$ne": "erased"}}]}
    return {**mongo_filter, "status": {"$ne": "erased"}}


def member_id(segment_id: str, customer_id: str) -> str:
    return f"{segment_id}:{customer_id}"


class SegmentStore:
    def __init__(self, db: AsyncDatabase):
        self.segments = db["segments"]
        self.members = db["segment_members"]
        self.counters = db["segment_counters"]
        self.customers = db["customers"]

    async def ensure_indexes(self) -> None:
        await self.segments.create_index([("slug", ASCENDING)], unique=True, name="slug_unique")
        await self.members.create_index([("segmentId", ASCENDING), ("customerId", ASCENDING)])
        await self.members.create_index([("customerId", ASCENDING)])
        await self.counters.create_index([("segmentId", ASCENDING)])
        # The boundary timer reads each relative date's next boundary with one range read; the customer store
        # indexes lastPurchaseDate and registrationDate, and this is the insights' date segments can be relative to.
        await self.customers.create_index([("insights.expectedNextOrderAt", ASCENDING)])

    # Segments
    async def insert(self, doc: dict, session: AsyncClientSession) -> None:
        try:
            await self.segments.insert_one(doc, session=session)
        except DuplicateKeyError as exc:
            raise Conflict(f"a segment with slug '{doc['slug']}' already exists", field="slug") from exc
        await self.counters.insert_many([{"_id": f"{doc['_id']}:{k}", "segmentId": doc["_id"], "n": 0}
                                         for k in range(COUNTER_SHARDS)], session=session)

    async def find(self, id_or_slug: str, session: Session = None) -> dict | None:
        return await self.by_id(id_or_slug, session) or await self.by_slug(id_or_slug, session)

    async def by_id(self, segment_id: str, session: Session = None) -> dict | None:
        return await self.segments.find_one({"_id": segment_id}, session=session)

    async def by_slug(self, slug: str, session: Session = None) -> dict | None:
        return await self.segments.find_one({"slug": slug}, session=session)

    async def all(self, session: Session = None) -> list[dict]:
        return await self.segments.find({}, session=session).sort("createdAt", ASCENDING).to_list()

    async def page(self, limit: int, offset: int) -> tuple[list[dict], int]:
        docs = await self.segments.find({}).sort([("createdAt", ASCENDING), ("_id", ASCENDING)]) \
            .skip(offset).limit(limit).to_list()
        return docs, await self.segments.count_documents({})

    async def update(self, segment_id: str, changes: dict, session: AsyncClientSession) -> dict | None:
        return await self.segments.find_one_and_update({"_id": segment_id}, {"$set": changes},
                                                       return_document=ReturnDocument.AFTER, session=session)

    async def mark_ready(self, segment_id: str, version: int | None, now: datetime) -> None:
        """Only the version that was computed: an edit since then has queued its own recompute."""
        await self.segments.update_one({"_id": segment_id, "version": version},
                                       {"$set": {"state": "ready", "computedAt": now}})

    async def delete(self, segment_id: str, session: AsyncClientSession) -> None:
        await self.segments.delete_one({"_id": segment_id}, session=session)
        await self.counters.delete_many({"segmentId": segment_id}, session=session)

    # Counts
    async def add_to_counts(self, deltas: list[tuple[str, str, int]], session: AsyncClientSession) -> None:
        """Applies (segment id, customer id, +1/-1) changes with one update per touched counter shard."""
        by_shard: dict[str, int] = {}
        for segment_id, customer_id, delta in deltas:
            key = f"{segment_id}:{zlib.crc32(customer_id.encode()) % COUNTER_SHARDS}"
            by_shard[key] = by_shard.get(key, 0) + delta
        for key, delta in by_shard.items():
            if delta:
                await self.counters.update_one({"_id": key}, {"$inc": {"n": delta}}, session=session)

    async def counts(self, segment_ids: list[str], session: Session = None) -> dict[str, int]:
        totals = dict.fromkeys(segment_ids, 0)
        async for shard in self.counters.find({"segmentId": {"$in": segment_ids}}, session=session):
            totals[shard["segmentId"]] += shard["n"]
        return totals

    # Members
    async def memberships_of(self, customer_ids: list[str], session: AsyncClientSession,
                             segment_id: str | None = None) -> set[tuple[str, str]]:
        query: dict = {"customerId": {"$in": customer_ids}}
        if segment_id:
            query = {"_id": {"$in": [member_id(segment_id, c) for c in customer_ids]}}
        rows = await self.members.find(query, {"segmentId": 1, "customerId": 1}, session=session).to_list()
        return {(r["segmentId"], r["customerId"]) for r in rows}

    async def add_members(self, rows: list[dict], session: AsyncClientSession) -> None:
        if rows:
            await self.members.insert_many(rows, ordered=False, session=session)

    async def remove_members(self, ids: list[str], session: AsyncClientSession) -> None:
        if ids:
            await self.members.delete_many({"_id": {"$in": ids}}, session=session)

    async def member_ids(self, segment_id: str, after: str | None, limit: int) -> list[str]:
        query: dict = {"segmentId": segment_id}
        if after is not None:
            query["customerId"] = {"$gt": after}
        rows = await self.members.find(query, {"customerId": 1}).sort("customerId", ASCENDING).limit(limit).to_list()
        return [r["customerId"] for r in rows]

    async def segments_of(self, customer_id: str) -> list[dict]:
        """The segments the customer is in now, each with its name and since when, for their data export."""
        rows = await read_all(self.members, {"customerId": customer_id}, [("segmentId", ASCENDING)],
                              what="segment memberships")
        segments = {d["_id"]: d for d in await self.segments.find(
            {"_id": {"$in": [r["segmentId"] for r in rows]}}, {"name": 1, "slug": 1}).to_list()}
        return [{"segmentId": r["segmentId"], "slug": segments[r["segmentId"]]["slug"],
                 "name": segments[r["segmentId"]]["name"], "since": r.get("since")}
                for r in rows if r["segmentId"] in segments]  # a segment deleted meanwhile holds no one

    async def all_member_ids(self, segment_id: str) -> list[str]:
        return [r["customerId"] async for r in self.members.find({"segmentId": segment_id}, {"customerId": 1})]

    async def member_page(self, segment_id: str, limit: int, offset: int) -> list[str]:
        rows = await self.members.find({"segmentId": segment_id}, {"customerId": 1}) \
            .sort("customerId", ASCENDING).skip(offset).limit(limit).to_list()
        return [r["customerId"] for r in rows]

    async def purge_members(self, segment_id: str, limit: int) -> int:
        ids = [r["_id"] for r in await self.members.find({"segmentId": segment_id}, {"_id": 1}).limit(limit).to_list()]
        if ids:
            await self.members.delete_many({"_id": {"$in": ids}})
        return len(ids)

    # Customers, read-only
    async def customers_by_ids(self, ids: list[str], session: Session = None) -> list[dict]:
        docs = await self.customers.find({"_id": {"$in": ids}}, session=session).to_list()
        order = {cid: i for i, cid in enumerate(ids)}
        return sorted(docs, key=lambda d: order[d["_id"]])

    async def matching_ids(self, mongo_filter: dict) -> list[str]:
        return [d["_id"] async for d in self.customers.find(mongo_filter, {"_id": 1})]

    async def count_matching(self, mongo_filter: dict) -> int:
        return await self.customers.count_documents(live(mongo_filter))

    async def sample(self, mongo_filter: dict, size: int) -> list[dict]:
        return await self.customers.find(live(mongo_filter)).limit(size).to_list() if size else []
