"""CounterStore: a campaign's metric counters, split over a few shard documents.

Fan-out, every sending process and the tracking endpoints all count into the same campaign at once; one counter
document would be a hot spot where transactions conflict and give up. Each writer takes its own shard, and
readers add the shards up (a handful of small documents).
"""
import random
import zlib

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.campaigns.domain.messages import COUNTERS

SHARDS = 16
FANOUT_SHARD = 0


def shard_for(owner: str) -> int:
    """A sending process keeps to one shard, so its serial flushes never conflict with each other."""
    return 1 + zlib.crc32(owner.encode()) % (SHARDS - 1)


def any_shard() -> int:
    return random.randrange(SHARDS)


class CounterStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["campaign_counters"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("campaignId")

    async def create(self, campaign_id: str) -> None:
        await self.collection.insert_many([{"_id": f"{campaign_id}:{n}", "campaignId": campaign_id,
                                            "counts": {name: 0 for name in COUNTERS}} for n in range(SHARDS)])

    async def add(self, campaign_id: str, shard: int, deltas: dict[str, int],
                  session: AsyncClientSession | None = None) -> None:
        deltas = {f"counts.{k}": v for k, v in deltas.items() if v}
        if deltas:
            await self.collection.update_one({"_id": f"{campaign_id}:{shard}"}, {"$inc": deltas}, session=session)

    async def totals(self, campaign_ids: list[str]) -> dict[str, dict[str, int]]:
        totals = {cid: {name: 0 for name in COUNTERS} for cid in campaign_ids}
        async for doc in self.collection.find({"campaignId": {"$in": campaign_ids}}):
            for name, value in (doc.get("counts") or {}).items():
                totals[doc["campaignId"]][name] = totals[doc["campaignId"]].get(name, 0) + value
        return totals

    async def delete(self, campaign_id: str) -> None:
        await self.collection.delete_many({"campaignId": campaign_id})
