"""AuditStore: the gateway's append-only collection of audit records. It only inserts and reads, with one
exception: an erasure redacts the inputs of the records about the erased person (redact_about), keeping who did
what and when. No code path deletes a record (retention, if a shop wants one, is an operator's job)."""
import base64
import re
from dataclasses import asdict
from datetime import datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection

from gateway.audit.records import AuditActor, AuditRecord
from shared.erasure import PersonalText, scrub_payload

_NEWEST_FIRST = [("at", DESCENDING), ("_id", DESCENDING)]


class InvalidAuditCursor(ValueError):
    """`after` is not a cursor this store produced."""


class TooManyAuditRecords(Exception):
    """More records name an id than a data export takes whole."""


def _to_doc(record: AuditRecord) -> dict:
    doc = asdict(record)
    doc["_id"] = doc.pop("id")
    doc["targetIds"] = doc.pop("target_ids")
    doc["operationName"] = doc.pop("operation_name")
    doc["userAgent"] = doc.pop("user_agent")
    doc["requestId"] = doc.pop("request_id")
    if record.actor is not None:
        actor = doc["actor"]
        actor["apiKeyId"] = actor.pop("api_key_id")
    return doc


def _from_doc(doc: dict) -> AuditRecord:
    actor = doc.get("actor")
    return AuditRecord(
        id=doc["_id"], at=doc["at"], operation=doc["operation"], outcome=doc["outcome"],
        actor=AuditActor(subject=actor["subject"], role=actor["role"], via=actor["via"], name=actor.get("name"),
                         email=actor.get("email"), api_key_id=actor.get("apiKeyId")) if actor else None,
        target_ids=doc.get("targetIds") or [], input=doc.get("input") or {}, operation_name=doc.get("operationName"),
        error=doc.get("error"), ip=doc.get("ip"), user_agent=doc.get("userAgent"), request_id=doc.get("requestId"))


def encode_cursor(record: AuditRecord) -> str:
    return base64.urlsafe_b64encode(f"audit:{record.at.isoformat()}|{record.id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        kind, _, rest = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        at, _, record_id = rest.partition("|")
        if kind != "audit" or not record_id:
            raise ValueError
        return datetime.fromisoformat(at), record_id
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidAuditCursor("after is not a cursor from auditLog") from exc


class AuditStore:
    def __init__(self, collection: AsyncCollection):
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(_NEWEST_FIRST)
        await self.collection.create_index([("actor.subject", ASCENDING), ("at", DESCENDING)])
        await self.collection.create_index([("targetIds", ASCENDING), ("at", DESCENDING)])
        await self.collection.create_index([("operation", ASCENDING), ("at", DESCENDING)])

    async def append(self, record: AuditRecord) -> None:
        await self.collection.insert_one(_to_doc(record))

    async def page(self, *, limit: int, after: str | None = None, actor: str | None = None,
                   target_id: str | None = None, operation: str | None = None, since: datetime | None = None,
                   until: datetime | None = None) -> tuple[list[AuditRecord], int, bool]:
        """Newest first from `after` (a cursor: pages stay stable while new records arrive).
        Returns (records, total matching the filter, whether more follow)."""
        query: dict = {}
        if actor:  # a subject, or the email or name the token carried
            query["$or"] = [{"actor.subject": actor}, {"actor.email": actor}, {"actor.name": actor}]
        if target_id:
            query["targetIds"] = target_id
        if operation:
            query["operation"] = operation
        if since or until:
            query["at"] = {**({"$gte": since} if since else {}), **({"$lte": until} if until else {})}
        total = await self.collection.count_documents(query)
        if after:
            at, record_id = decode_cursor(after)
            query = {"$and": [query, {"$or": [{"at": {"$lt": at}}, {"at": at, "_id": {"$lt": record_id}}]}]}
        docs = await self.collection.find(query).sort(_NEWEST_FIRST).limit(limit + 1).to_list()
        return [_from_doc(d) for d in docs[:limit]], total, len(docs) > limit

    async def about(self, target_id: str, max_records: int) -> list[AuditRecord]:
        """Every record naming this id, newest first, read in batches.
        Raises TooManyAuditRecords past `max_records` (a data export refuses rather than cuts)."""
        cursor = self.collection.find({"targetIds": target_id}).sort(_NEWEST_FIRST).batch_size(1000) \
            .limit(max_records + 1)
        docs = [doc async for doc in cursor]
        if len(docs) > max_records:
            raise TooManyAuditRecords(f"more than {max_records} audit records name {target_id}")
        return [_from_doc(d) for d in docs]

    async def redact_about(self, customer_id: str, text: PersonalText) -> int:
        """Overwrites the person's details in the inputs (and error texts) of the records naming the customer id,
        or given their email or phone as an argument (a create refused before any id existed). The actor,
        operation, outcome, time and target ids (the id is a pseudonym now) stay. Returns how many records
        changed; running it again changes none."""
        about: list[dict] = [{"targetIds": customer_id}]
        if text.email:
            exact = {"$regex": f"^{re.escape(text.email)}$", "$options": "i"}
            about += [{"input.input.email": exact}, {"input.email": exact}]
        if text.phone:
            about += [{"input.input.phone": text.phone}, {"input.phone": text.phone}]
        changed = 0
        for doc in await self.collection.find({"$or": about}).to_list():
            redacted = {"input": scrub_payload(doc.get("input") or {}, text),
                        "error": text.scrub(doc["error"]) if doc.get("error") else doc.get("error")}
            if redacted["input"] != (doc.get("input") or {}) or redacted["error"] != doc.get("error"):
                await self.collection.update_one({"_id": doc["_id"]}, {"$set": redacted})
                changed += 1
        return changed
