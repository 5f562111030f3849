"""LeasedJobs: a collection of queued jobs that any replica can take. A worker claims the oldest runnable job with a
lease, records progress only while it still holds it, and releases it; a job whose worker stopped renewing is taken
over. Segment bulk jobs and CSV import/export jobs run on it."""
from datetime import datetime, timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class LeasedJobs:
    def __init__(self, collection: AsyncCollection):
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("status", ASCENDING), ("runAfter", ASCENDING)])

    async def claim(self, owner: str, now: datetime, lease: timedelta) -> dict | None:
        """Takes the oldest runnable job, or one whose worker stopped renewing its lease."""
        return await self.collection.find_one_and_update(
            {"$or": [{"status": QUEUED, "runAfter": {"$lte": now}},
                     {"status": RUNNING, "leaseUntil": {"$lt": now}}]},
            {"$set": {"status": RUNNING, "owner": owner, "leaseUntil": now + lease, "updatedAt": now}},
            sort=[("runAfter", ASCENDING)], return_document=ReturnDocument.AFTER)

    async def progress(self, job_id: str, owner: str, changes: dict, session: AsyncClientSession | None = None,
                       inc: dict | None = None) -> bool:
        """Records progress only while this worker still holds the job, so a lost lease can't double-count.
        True while it holds it (matched, even when the values written were already there)."""
        update: dict = {"$set": changes}
        if inc:
            update["$inc"] = inc
        result = await self.collection.update_one({"_id": job_id, "owner": owner, "status": RUNNING}, update,
                                                  session=session)
        return result.matched_count == 1

    async def release(self, job_id: str, owner: str, changes: dict) -> None:
        await self.collection.update_one({"_id": job_id, "owner": owner},
                                         {"$set": changes, "$inc": {"attempts": 1}})
