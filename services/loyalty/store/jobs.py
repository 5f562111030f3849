"""JobClaims: a scheduled job runs once per period, claimed atomically so two replicas never both run it."""
from datetime import datetime, timedelta, timezone

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

RUNNING, DONE = "running", "done"


class JobClaims:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["jobs"]

    async def ensure_indexes(self) -> None:
        """Keyed by name:period; nothing else to index."""

    async def claim(self, name: str, period: str, owner: str, lease_seconds: float) -> bool:
        """True for exactly one caller per (name, period), until its lease runs out without it finishing.

        The upsert either inserts the claim or takes over an expired one; when another replica holds it (or it
        is done) the filter misses and the upsert's insert hits the _id: DuplicateKeyError means "not yours".
        """
        now = datetime.now(timezone.utc)
        try:
            await self.collection.find_one_and_update(
                {"_id": f"{name}:{period}", "status": RUNNING, "leaseUntil": {"$lt": now}},
                {"$set": {"name": name, "period": period, "status": RUNNING, "owner": owner, "claimedAt": now,
                          "leaseUntil": now + timedelta(seconds=lease_seconds)}},
                upsert=True)
        except DuplicateKeyError:
            return False
        return True

    async def complete(self, name: str, period: str, owner: str, result: dict) -> None:
        await self.collection.update_one(
            {"_id": f"{name}:{period}", "owner": owner},
            {"$set": {"status": DONE, "finishedAt": datetime.now(timezone.utc), "result": result}})

    async def release(self, name: str, period: str, owner: str) -> None:
        """A failed run gives its claim back so the next tick retries it."""
        await self.collection.delete_one({"_id": f"{name}:{period}", "owner": owner, "status": RUNNING})

    async def get(self, name: str, period: str) -> dict | None:
        return await self.collection.find_one({"_id": f"{name}:{period}"})
