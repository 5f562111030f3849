"""SegmentTimerStore: per time-based segment, up to when the clock's effects are applied (`checkedAt`, for the
segment version they were computed for) and the lease of the replica applying them."""
from dataclasses import dataclass
from datetime import datetime

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


@dataclass(frozen=True)
class TimerState:
    segment_id: str
    version: int | None
    checked_at: datetime | None

    @classmethod
    def from_doc(cls, d: dict) -> "TimerState":
        return cls(d["_id"], d.get("version"), d.get("checkedAt"))


class SegmentTimerStore:
    def __init__(self, db: AsyncDatabase):
        self.timers = db["segment_timers"]

    async def ensure_indexes(self) -> None:
        pass  # read by _id only

    async def all(self) -> dict[str, TimerState]:
        return {d["_id"]: TimerState.from_doc(d) async for d in self.timers.find({})}

    async def checked(self, segment_id: str, version: int | None, at: datetime) -> None:
        """Membership of this version is right as of `at` (a recompute finished, or the timer applied up to it)."""
        await self.timers.update_one({"_id": segment_id}, {"$set": {"version": version, "checkedAt": at}},
                                     upsert=True)

    async def claim(self, segment_id: str, owner: str, now: datetime, until: datetime) -> bool:
        """Takes the segment's timer for this replica unless another one holds an unexpired lease (wall time)."""
        try:
            found = await self.timers.find_one_and_update(
                {"_id": segment_id, "$or": [{"leaseUntil": None}, {"leaseUntil": {"$lt": now}}, {"owner": owner}]},
                {"$set": {"owner": owner, "leaseUntil": until}}, upsert=True, return_document=ReturnDocument.AFTER)
        except DuplicateKeyError:  # the upsert lost to an existing, leased document
            return False
        return found is not None

    async def release(self, segment_id: str, owner: str, version: int | None, checked_at: datetime | None) -> None:
        """Records how far this run got (None: nothing applied), unless the segment was recomputed for a newer
        version meanwhile, and gives the lease back."""
        if checked_at is not None:
            await self.timers.update_one({"_id": segment_id, "owner": owner,
                                          "$or": [{"version": {"$lte": version}}, {"version": None}]},
                                         {"$set": {"checkedAt": checked_at, "version": version}})
        await self.timers.update_one({"_id": segment_id, "owner": owner}, {"$set": {"leaseUntil": None}})

    async def forget(self, segment_id: str) -> None:
        await self.timers.delete_one({"_id": segment_id})
