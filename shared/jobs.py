"""JobClaims: a periodic job runs once per period across replicas, claimed with a lease on `_id = name:period`."""
from datetime import datetime, timedelta, timezone

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from shared.retention import expire_after

RUNNING, DONE = "running", "done"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class JobClaims:
    """One record per (job, period): `running` with an owner and a lease, then `done` with the run's result.

    A finished record is kept until its `forgetAt` (a TTL index deletes it then), so claims of short interval
    periods don't pile up; a running one is never deleted by the TTL.
    """

    def __init__(self, collection: AsyncCollection):
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await expire_after(self.collection, "forgetAt", timedelta(seconds=1))

    async def claim(self, name: str, period: str, owner: str, lease_seconds: float,
                    now: datetime | None = None) -> bool:
        """True for exactly one caller per (name, period), until its lease runs out without it finishing.

        The upsert either inserts the claim or takes over an expired one; when another replica holds it (or it
        is done) the filter misses and the upsert's insert hits the _id: DuplicateKeyError means "not yours".
        `now` is the clock leases are measured on (the wall clock unless a test controls it).
        """
        now = now or _utcnow()
        try:
            await self.collection.find_one_and_update(
                {"_id": f"{name}:{period}", "status": RUNNING, "leaseUntil": {"$lt": now}},
                {"$set": {"name": name, "period": period, "status": RUNNING, "owner": owner, "claimedAt": now,
                          "leaseUntil": now + timedelta(seconds=lease_seconds)}},
                upsert=True)
        except DuplicateKeyError:
            return False
        return True

    async def renew(self, name: str, period: str, owner: str, lease_seconds: float,
                    now: datetime | None = None) -> bool:
        """Extends a running claim's lease; False when it is no longer this owner's (taken over after expiry)."""
        now = now or _utcnow()
        result = await self.collection.update_one(
            {"_id": f"{name}:{period}", "owner": owner, "status": RUNNING},
            {"$set": {"leaseUntil": now + timedelta(seconds=lease_seconds)}})
        return result.matched_count == 1

    async def complete(self, name: str, period: str, owner: str, result: dict | None,
                       keep_seconds: float = 400 * 86400, now: datetime | None = None) -> None:
        now = now or _utcnow()
        await self.collection.update_one(
            {"_id": f"{name}:{period}", "owner": owner},
            {"$set": {"status": DONE, "finishedAt": now, "result": result,
                      "forgetAt": now + timedelta(seconds=keep_seconds)}})

    async def release(self, name: str, period: str, owner: str) -> None:
        """A failed run gives its claim back so the next tick retries it."""
        await self.collection.delete_one({"_id": f"{name}:{period}", "owner": owner, "status": RUNNING})

    async def get(self, name: str, period: str) -> dict | None:
        return await self.collection.find_one({"_id": f"{name}:{period}"})
