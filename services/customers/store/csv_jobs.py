"""CsvJobStore: customer import and export jobs (claimed with a lease, as segment jobs are), the files they read
and write, stored in chunks so any replica can run a job, and the rows an import refused."""
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.leased_jobs import DONE, FAILED, QUEUED, RUNNING, LeasedJobs
from shared.retention import expire_after

__all__ = ["DONE", "FAILED", "QUEUED", "RUNNING", "CsvJob", "CsvJobStore", "StoredFile"]


@dataclass(frozen=True)
class CsvJob:
    id: str
    kind: str  # import | export
    status: str
    total: int | None
    processed: int
    counts: dict
    params: dict
    cursor: dict
    created_at: datetime
    finished_at: datetime | None = None
    error: str | None = None
    attempts: int = 0
    actor: dict | None = None
    result: dict = field(default_factory=dict)

    @classmethod
    def from_doc(cls, doc: dict) -> "CsvJob":
        return cls(id=doc["_id"], kind=doc["kind"], status=doc["status"], total=doc.get("total"),
                   processed=doc.get("processed", 0), counts=doc.get("counts") or {}, params=doc.get("params") or {},
                   cursor=doc.get("cursor") or {}, created_at=doc["createdAt"], finished_at=doc.get("finishedAt"),
                   error=doc.get("error"), attempts=doc.get("attempts", 0), actor=doc.get("actor"),
                   result=doc.get("result") or {})


@dataclass(frozen=True)
class StoredFile:
    id: str
    kind: str  # customers | orders | export
    columns: list[str]
    rows: int
    size: int
    expires_at: datetime

    @classmethod
    def from_doc(cls, doc: dict) -> "StoredFile":
        return cls(doc["_id"], doc["kind"], doc.get("columns") or [], doc.get("rows", 0), doc.get("bytes", 0),
                   doc["expireAt"])


class CsvJobStore:
    def __init__(self, db: AsyncDatabase):
        self.jobs = db["csv_jobs"]
        self.queue = LeasedJobs(self.jobs)
        self.files = db["csv_files"]
        self.chunks = db["csv_file_chunks"]
        self.problems = db["csv_job_problems"]

    async def ensure_indexes(self) -> None:
        await self.queue.ensure_indexes()
        await self.chunks.create_index([("fileId", ASCENDING), ("seq", ASCENDING)], unique=True)
        await self.problems.create_index([("jobId", ASCENDING), ("line", ASCENDING)])
        # Uploaded and exported files go by themselves once past their expiry (the job record stays).
        for collection in (self.files, self.chunks):
            await expire_after(collection, "expireAt", timedelta(seconds=1))

    # files
    async def add_chunk(self, file_id: str, seq: int, data: bytes, expire_at: datetime,
                        session: AsyncClientSession | None = None) -> None:
        await self.chunks.insert_one({"_id": f"{file_id}:{seq:08d}", "fileId": file_id, "seq": seq, "data": data,
                                      "expireAt": expire_at}, session=session)

    async def add_file(self, file_id: str, kind: str, columns: list[str], rows: int, size: int,
                       expire_at: datetime, session: AsyncClientSession | None = None) -> StoredFile:
        doc = {"_id": file_id, "kind": kind, "columns": columns, "rows": rows, "bytes": size, "expireAt": expire_at}
        await self.files.replace_one({"_id": file_id}, doc, upsert=True, session=session)
        return StoredFile.from_doc(doc)

    async def file(self, file_id: str) -> StoredFile | None:
        doc = await self.files.find_one({"_id": file_id})
        return StoredFile.from_doc(doc) if doc else None

    async def file_chunks(self, file_id: str) -> AsyncIterator[bytes]:
        """The file's bytes in order, one chunk in memory at a time (a cursor, not a list)."""
        async for chunk in self.chunks.find({"fileId": file_id}).sort("seq", ASCENDING):
            yield bytes(chunk["data"])

    async def delete_file(self, file_id: str) -> None:
        await self.chunks.delete_many({"fileId": file_id})
        await self.files.delete_one({"_id": file_id})

    # jobs
    async def add(self, job: dict) -> CsvJob:
        await self.jobs.insert_one(job)
        return CsvJob.from_doc(job)

    async def get(self, job_id: str) -> CsvJob | None:
        doc = await self.jobs.find_one({"_id": job_id})
        return CsvJob.from_doc(doc) if doc else None

    async def claim(self, owner: str, now: datetime, lease: timedelta) -> CsvJob | None:
        doc = await self.queue.claim(owner, now, lease)
        return CsvJob.from_doc(doc) if doc else None

    async def progress(self, job_id: str, owner: str, changes: dict, session: AsyncClientSession | None = None,
                       inc: dict | None = None) -> bool:
        return await self.queue.progress(job_id, owner, changes, session, inc)

    async def release(self, job_id: str, owner: str, changes: dict) -> None:
        await self.queue.release(job_id, owner, changes)

    # an import's refused rows
    async def add_problems(self, job_id: str, problems: list[dict], session: AsyncClientSession) -> None:
        if problems:
            await self.problems.insert_many([{"jobId": job_id, **p} for p in problems], session=session)

    async def problems_of(self, job_id: str, limit: int) -> list[dict]:
        docs = await self.problems.find({"jobId": job_id}, {"_id": 0, "jobId": 0}).sort(
            [("file", ASCENDING), ("line", ASCENDING)]).limit(limit).to_list()
        return docs
