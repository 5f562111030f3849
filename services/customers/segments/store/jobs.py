"""SegmentJobStore: bulk and recompute jobs claimed atomically with a lease, per-customer markers, CSV chunks."""
from datetime import datetime, timedelta

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.leased_jobs import DONE, FAILED, QUEUED, RUNNING, LeasedJobs

__all__ = ["DONE", "FAILED", "QUEUED", "RUNNING", "SegmentJobStore"]


class SegmentJobStore:
    def __init__(self, db: AsyncDatabase):
        self.jobs = db["segment_jobs"]
        self.queue = LeasedJobs(self.jobs)
        self.marks = db["segment_job_marks"]
        self.exports = db["segment_exports"]

    async def ensure_indexes(self) -> None:
        await self.queue.ensure_indexes()
        await self.exports.create_index([("jobId", ASCENDING), ("seq", ASCENDING)])

    async def add(self, job: dict, session: AsyncClientSession | None = None) -> bool:
        """False when a job with this id exists already (a retried request)."""
        try:
            await self.jobs.insert_one(job, session=session)
            return True
        except DuplicateKeyError:
            if session is not None:
                raise
            return False

    async def get(self, job_id: str, session: AsyncClientSession | None = None) -> dict | None:
        return await self.jobs.find_one({"_id": job_id}, session=session)

    async def claim(self, owner: str, now: datetime, lease: timedelta) -> dict | None:
        return await self.queue.claim(owner, now, lease)

    async def progress(self, job_id: str, owner: str, changes: dict, session: AsyncClientSession | None = None,
                       inc: dict | None = None) -> bool:
        return await self.queue.progress(job_id, owner, changes, session, inc)

    async def release(self, job_id: str, owner: str, changes: dict) -> None:
        await self.queue.release(job_id, owner, changes)

    async def marked(self, job_id: str, customer_ids: list[str], session: AsyncClientSession | None = None) -> set:
        rows = await self.marks.find({"_id": {"$in": [f"{job_id}:{c}" for c in customer_ids]}}, {"_id": 1},
                                     session=session).to_list()
        return {r["_id"].rsplit(":", 1)[1] for r in rows}

    async def mark(self, job_id: str, customer_ids: list[str], now: datetime, session: AsyncClientSession) -> None:
        if customer_ids:
            await self.marks.insert_many([{"_id": f"{job_id}:{c}", "jobId": job_id, "at": now} for c in customer_ids],
                                         session=session)

    async def add_export_chunk(self, job_id: str, seq: int, text: str, session: AsyncClientSession) -> None:
        await self.exports.insert_one({"_id": f"{job_id}:{seq:08d}", "jobId": job_id, "seq": seq, "text": text},
                                      session=session)

    async def export_chunks(self, job_id: str):
        async for chunk in self.exports.find({"jobId": job_id}).sort("seq", ASCENDING):
            yield chunk["text"]
