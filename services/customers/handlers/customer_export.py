"""exportCustomers: the customers matching a list filter or in a segment, with chosen columns, written as a job
in chunks of CSV (escaped against formula injection) that the download streams back until the file expires."""
import csv
import io
import uuid
from datetime import timedelta

from pydantic import ValidationError
from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain.csv_cells import safe_row
from services.customers.domain.queries import CustomerQuery
from services.customers.handlers.csv_parts import CsvParts
from services.customers.handlers.deps import Deps, utcnow
from services.customers.segments.handlers.crud import get_segment
from services.customers.store.csv_jobs import QUEUED, CsvJob
from services.customers.store.customer_filters import compile_filter
from shared.actor import actor_record
from shared.errors import NotFound, ValidationFailed
from shared.money import to_units


def _date(value) -> str:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else (value or "")


def _address(name: str):
    return lambda d: (d.get("address") or {}).get(name)


# Column name -> the cell of a stored customer. The import's column names read back the same values.
COLUMNS = {
    "id": lambda d: d["_id"],
    "firstName": lambda d: d.get("firstName"),
    "lastName": lambda d: d.get("lastName"),
    "email": lambda d: d.get("email"),
    "phone": lambda d: d.get("phone"),
    "dateOfBirth": lambda d: d.get("dateOfBirth"),
    "gender": lambda d: d.get("gender"),
    "street": _address("street"), "city": _address("city"), "state": _address("state"),
    "zipCode": _address("zipCode"), "country": _address("country"),
    "tags": lambda d: ";".join(d.get("tags") or []),
    "notes": lambda d: d.get("notes"),
    "status": lambda d: d.get("status"),
    "registrationDate": lambda d: _date(d.get("registrationDate")),
    "loyaltyTier": lambda d: d.get("loyaltyTier"),
    "loyaltyPoints": lambda d: d.get("loyaltyPoints", 0),
    "totalSpent": lambda d: f"{to_units(d.get('totalSpentMinor', 0)):.2f}",
    "totalOrders": lambda d: d.get("totalOrders", 0),
    "lastPurchaseDate": lambda d: _date(d.get("lastPurchaseDate")),
    "createdAt": lambda d: _date(d.get("createdAt")),
}
DEFAULT_COLUMNS = ["id", "firstName", "lastName", "email", "phone", "status", "tags", "registrationDate",
                   "loyaltyTier", "totalSpent", "totalOrders"]
FILTER_FIELDS = {"ids", "status", "tier", "tags", "minSpent", "maxSpent", "minOrders", "maxOrders", "registeredFrom",
                 "registeredTo", "lastPurchaseFrom", "lastPurchaseTo", "q"}


def csv_text(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(safe_row(row) for row in rows)
    return out.getvalue()


def _query(filter_: dict) -> CustomerQuery:
    unknown = sorted(set(filter_) - FILTER_FIELDS)
    if unknown:
        raise ValidationFailed(f"unknown filter field(s): {', '.join(unknown)}", field=f"filter.{unknown[0]}")
    try:
        return CustomerQuery.model_validate(filter_)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ()))
        raise ValidationFailed(f"filter.{field}: {first.get('msg', 'invalid')}",
                               field=f"filter.{field}" if field else "filter") from exc


async def start_export(deps: Deps, parts: CsvParts, *, filter_: dict | None, segment: str | None,
                       columns: list[str] | None) -> CsvJob:
    if filter_ is not None and segment is not None:
        raise ValidationFailed("give a filter or a segment, not both", field="segmentId")
    columns = columns or DEFAULT_COLUMNS
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown or not columns or len(set(columns)) != len(columns):
        raise ValidationFailed(f"unknown or repeated column(s): {', '.join(unknown) or 'repeated'} (the columns are: "
                               f"{', '.join(COLUMNS)})", field="columns")
    params: dict = {"columns": columns}
    if segment is not None:
        found = await get_segment(deps, segment)
        params.update(segmentId=found["_id"], segmentSlug=found["slug"])
        total = (await deps.segments.store.counts([found["_id"]]))[found["_id"]]
    else:
        query = _query(filter_ or {})
        params["filter"] = query.model_dump(mode="json", by_alias=True, include=set(
            name for name, info in CustomerQuery.model_fields.items() if (info.alias or name) in FILTER_FIELDS),
            exclude_none=True)
        total = await deps.customers.count(compile_filter(query))
    now = utcnow()
    job = await parts.store.add({
        "_id": str(uuid.uuid4()), "kind": "export", "status": QUEUED, "params": params, "total": total,
        "processed": 0, "counts": {"rows": 0}, "cursor": {"after": None, "seq": 0}, "result": {}, "error": None,
        "attempts": 0, "runAfter": now, "createdAt": now, "updatedAt": now, "finishedAt": None,
        "actor": actor_record()})
    parts.wake.set()
    return job


async def _page(deps: Deps, job: CsvJob, after: str | None, size: int) -> list[dict]:
    """The next customers by id: a segment's members, or those the filter matches."""
    if job.params.get("segmentId"):
        ids = await deps.segments.store.member_ids(job.params["segmentId"], after, size)
        return await deps.segments.store.customers_by_ids(ids) if ids else []
    clauses = compile_filter(CustomerQuery.model_validate(job.params.get("filter") or {}))
    if after is not None:
        clauses = {"$and": [clauses, {"_id": {"$gt": after}}]} if clauses else {"_id": {"$gt": after}}
    return await deps.customers.collection.find(clauses).sort("_id", ASCENDING).limit(size).to_list()


class ExportLeaseLost(Exception):
    pass


async def run_export(deps: Deps, parts: CsvParts, job: CsvJob, owner: str) -> dict:
    columns = job.params["columns"]
    after, seq = job.cursor.get("after"), job.cursor.get("seq", 0)
    file_id = job.id
    # While it runs, chunks outlive a job that fails for good only by a day; the finished file's expiry is set below.
    expire_at = utcnow() + timedelta(days=1, seconds=parts.settings.export_keep_seconds)
    if seq == 0:
        await parts.store.delete_file(file_id)  # a previous attempt's chunks, if it failed before its first batch
    while docs := await _page(deps, job, after, parts.settings.batch_size):
        text = csv_text([[COLUMNS[c](d) for c in columns] for d in docs])

        async def work(session: AsyncClientSession, docs=docs, text=text, seq=seq) -> None:
            await parts.store.add_chunk(file_id, seq, text.encode(), expire_at, session)
            now = utcnow()
            if not await parts.store.progress(job.id, owner, {
                    "cursor": {"after": docs[-1]["_id"], "seq": seq + 1}, "updatedAt": now,
                    "leaseUntil": now + timedelta(seconds=parts.settings.job_lease_seconds)},
                    session, inc={"processed": len(docs), "counts.rows": len(docs)}):
                raise ExportLeaseLost(job.id)

        await deps.runtime.transaction(work)
        after, seq = docs[-1]["_id"], seq + 1
    expires = utcnow() + timedelta(seconds=parts.settings.export_keep_seconds)
    await parts.store.add_file(file_id, "export", columns, await _rows(parts, job.id), 0, expires)
    await parts.store.chunks.update_many({"fileId": file_id}, {"$set": {"expireAt": expires}})
    return {"result": {"expiresAt": expires, "fileId": file_id}}


async def _rows(parts: CsvParts, job_id: str) -> int:
    job = await parts.store.get(job_id)
    return job.counts.get("rows", 0) if job else 0


async def export_file(parts: CsvParts, job_id: str):
    """The finished export's header line, then its chunks, as text; NotFound before it is done or once expired."""
    job = await parts.store.get(job_id)
    if job is None or job.kind != "export":
        raise NotFound(f"export {job_id} not found", field="id")
    if job.status != "done":
        raise NotFound(f"export {job_id} is not ready yet ({job.status})", field="id")
    stored = await parts.store.file(job_id)
    if stored is None or stored.expires_at <= utcnow():
        raise NotFound(f"export {job_id} has expired: export again", field="id")

    async def lines():
        yield csv_text([job.params["columns"]])
        async for chunk in parts.store.file_chunks(job_id):
            yield chunk.decode()

    return job, lines()
