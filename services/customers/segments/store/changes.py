"""SegmentChangeStore: the membership history, one record per entry or exit, appended and never rewritten.

Records hold ids and criteria text only (no personal data), so erasing a customer keeps them, and a merge leaves
the merged profile's history under its own id."""
import base64
import json
from dataclasses import dataclass
from datetime import datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.errors import ValidationFailed


@dataclass(frozen=True)
class SegmentChange:
    id: str
    segment_id: str
    customer_id: str
    change: str           # entered | left
    at: datetime          # when it took effect (a clock change: the boundary the customer crossed)
    clause: str | None    # the deciding clause (docs/segments.md, Membership history)
    clauses: list[str]
    cause: str            # customer | recompute | clock
    reason: str | None    # deleted | erased: the customer is gone (no clause)

    @classmethod
    def from_doc(cls, d: dict) -> "SegmentChange":
        return cls(d["_id"], d["segmentId"], d["customerId"], d["change"], d["at"], d.get("clause"),
                   list(d.get("clauses") or []), d.get("cause", "customer"), d.get("reason"))


def encode_cursor(change: SegmentChange) -> str:
    raw = json.dumps([change.at.isoformat(), change.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        at, change_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(at), str(change_id)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed("after: not a cursor this list gave out", field="after") from exc


class SegmentChangeStore:
    def __init__(self, db: AsyncDatabase):
        self.changes = db["segment_changes"]

    async def ensure_indexes(self) -> None:
        # Ascending keys, walked backwards for newest first (SecantusDB's descending-key ranges drop the bound).
        await self.changes.create_index([("segmentId", ASCENDING), ("at", ASCENDING), ("_id", ASCENDING)])
        await self.changes.create_index([("customerId", ASCENDING)])

    async def add(self, rows: list[dict], session: AsyncClientSession) -> None:
        if rows:
            await self.changes.insert_many(rows, ordered=False, session=session)

    async def page(self, segment_id: str, limit: int, after: str | None, since: datetime | None
                   ) -> list[SegmentChange]:
        """Newest first, keyset-paged on (at, id): a page never repeats or skips a record added meanwhile."""
        query: dict = {"segmentId": segment_id}
        if since is not None:
            query["at"] = {"$gte": since}
        if after:
            at, change_id = decode_cursor(after)
            query["$or"] = [{"at": {"$lt": at}}, {"at": at, "_id": {"$lt": change_id}}]
        rows = await self.changes.find(query).sort([("at", DESCENDING), ("_id", DESCENDING)]).limit(limit).to_list()
        return [SegmentChange.from_doc(d) for d in rows]
