"""importCustomers: an uploaded customers file (and optionally an orders file) stored in chunks, then run as a job
batch by batch. Each batch is one transaction: its customers upserted by email (case-insensitive) with one read and
one bulk write, their timeline entries, events and segment membership, its refused rows, and the job's cursor and
counts. A value that is already stored changes nothing, so a re-run of the same file writes nothing and says
`unchanged`. Orders go through order_batch.record_orders (the set-based order path), keyed by their own id.
"""
import asyncio
import uuid
from collections.abc import AsyncIterable
from datetime import datetime, timedelta

from pymongo import InsertOne, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.csv_stream import CsvUnreadable, Record, read_records
from services.customers.domain.imports import (
    CustomerRow,
    HeaderInvalid,
    OrderLines,
    OrderRow,
    Problem,
    changes_for,
    customer_row,
    given,
    header,
    new_customer_fields,
    order_row,
)
from services.customers.domain.search import search_fields
from services.customers.handlers import consents
from services.customers.handlers.activity_log import record_activities
from services.customers.handlers.csv_parts import CsvParts, TooLarge
from services.customers.handlers.deps import Deps, utcnow
from services.customers.handlers.order_batch import NewOrder, order_document, record_orders
from services.customers.handlers.profiles import contact_event
from services.customers.segments.handlers.membership import apply_membership
from services.customers.store.csv_jobs import QUEUED, CsvJob, StoredFile
from shared.actor import actor_record
from shared.errors import AppError, NotFound, ValidationFailed
from shared.events import contracts

COUNTS = ("created", "updated", "unchanged", "consents", "badRows", "ordersCreated", "ordersUnchanged", "ordersRefused",
          "problems")


class LeaseLost(Exception):
    """Another worker took the job over; this one stops without writing."""


async def store_upload(parts: CsvParts, kind: str, stream: AsyncIterable[bytes]) -> StoredFile:
    """Stores the file in chunks as it arrives, checking as it goes that it is UTF-8 CSV with known columns and
    counting its rows; a file refused here is deleted again. Memory holds one chunk, whatever the file's size."""
    settings = parts.settings
    file_id = str(uuid.uuid4())
    expire_at = utcnow() + timedelta(seconds=settings.upload_keep_seconds)
    size, seq, buffer = 0, 0, bytearray()

    async def stored():
        nonlocal size, seq, buffer
        async for piece in stream:
            size += len(piece)
            if size > settings.max_upload_bytes:
                raise TooLarge(f"the file is larger than {settings.max_upload_bytes} bytes", field=kind)
            buffer += piece
            while len(buffer) >= settings.chunk_bytes:
                await parts.store.add_chunk(file_id, seq, bytes(buffer[:settings.chunk_bytes]), expire_at)
                del buffer[:settings.chunk_bytes]
                seq += 1
            yield piece
        if buffer:
            await parts.store.add_chunk(file_id, seq, bytes(buffer), expire_at)

    columns: list[str] | None = None
    rows = 0
    try:
        async for record in read_records(stored()):
            if columns is None:
                columns = header(kind, record.cells)
            else:
                rows += 1
        if columns is None:
            raise ValidationFailed(f"the {kind} file is empty: it needs a header line", field=kind)
    except CsvUnreadable as exc:
        await parts.store.delete_file(file_id)
        raise ValidationFailed(f"the {kind} file can't be read: {exc}", field=kind) from exc
    except HeaderInvalid as exc:
        await parts.store.delete_file(file_id)
        raise ValidationFailed(str(exc), field="columns", details=exc.details) from exc
    except AppError:
        await parts.store.delete_file(file_id)
        raise
    return await parts.store.add_file(file_id, kind, columns, rows, size, expire_at)


async def start_import(parts: CsvParts, customers_file: str, orders_file: str | None) -> CsvJob:
    files = {}
    for field, kind, file_id in (("customersFile", "customers", customers_file), ("ordersFile", "orders", orders_file)):
        if file_id is None:
            continue
        stored = await parts.store.file(file_id)
        if stored is None:
            raise NotFound(f"no uploaded file {file_id} (uploads are kept "
                           f"{int(parts.settings.upload_keep_seconds)} s)", field=field)
        if stored.kind != kind:
            raise ValidationFailed(f"file {file_id} was uploaded as a {stored.kind} file", field=field)
        files[kind] = stored
    now = utcnow()
    job = await parts.store.add({
        "_id": str(uuid.uuid4()), "kind": "import", "status": QUEUED,
        "params": {"customersFile": customers_file, "ordersFile": orders_file},
        "total": sum(f.rows for f in files.values()), "processed": 0, "counts": dict.fromkeys(COUNTS, 0),
        "cursor": {"phase": "customers", "line": 1}, "result": {}, "error": None, "attempts": 0, "runAfter": now,
        "createdAt": now, "updatedAt": now, "finishedAt": None, "actor": actor_record()})
    parts.wake.set()
    return job


class _Run:
    """One claimed import job while it runs: its running counts and how it commits a batch."""

    def __init__(self, deps: Deps, parts: CsvParts, job: CsvJob, owner: str):
        self.deps, self.parts, self.job, self.owner = deps, parts, job, owner
        self.counts = {key: job.counts.get(key, 0) for key in COUNTS}

    async def commit(self, session: AsyncClientSession, *, phase: str, line: int, rows: int, counts: dict,
                     problems: list[Problem], file: str) -> None:
        """The batch's refused rows (the first max_problems of the job are kept in detail) and the job's cursor,
        counts and lease, in the batch's transaction; LeaseLost if another worker holds the job now."""
        room = max(0, self.parts.settings.max_problems - self.counts["problems"])
        kept = [{**p.to_doc(), "file": file} for p in problems[:room]]
        await self.parts.store.add_problems(self.job.id, kept, session)
        counts = {**counts, "problems": len(kept)}
        now = utcnow()
        lease = now + timedelta(seconds=self.parts.settings.job_lease_seconds)
        if not await self.parts.store.progress(
                self.job.id, self.owner, {"cursor": {"phase": phase, "line": line}, "updatedAt": now,
                                          "leaseUntil": lease}, session,
                inc={"processed": rows, **{f"counts.{k}": v for k, v in counts.items() if v}}):
            raise LeaseLost(self.job.id)
        self._pending = counts

    async def transaction(self, work) -> None:
        self._pending = {}
        await self.deps.runtime.transaction(work)
        for key, value in self._pending.items():  # only once committed
            self.counts[key] += value


async def run_import(deps: Deps, parts: CsvParts, job: CsvJob, owner: str) -> dict:
    run = _Run(deps, parts, job, owner)
    phase, done_line = job.cursor.get("phase", "customers"), job.cursor.get("line", 1)
    if phase == "customers":
        await _customers(run, job.params["customersFile"], done_line)
        phase, done_line = "orders", 1
    if job.params.get("ordersFile"):
        await _orders(run, job.params["ordersFile"], done_line)
    return {"result": {}}


async def _records(parts: CsvParts, file_id: str, kind: str):
    """The file's header columns, then its data records (the file may have expired since the upload)."""
    if await parts.store.file(file_id) is None:
        raise NotFound(f"the uploaded {kind} file {file_id} is gone (expired)", field=kind)
    columns = None
    async for record in read_records(parts.store.file_chunks(file_id)):
        if columns is None:
            columns = header(kind, record.cells)
            continue
        yield columns, record


async def _customers(run: _Run, file_id: str, done_line: int) -> None:
    """Batches commit one after the other, in file order; the next batch is read and validated while the previous
    one's transaction waits on the database (validation is most of the import's own CPU time)."""
    batch: list[Record] = []
    pending: asyncio.Task | None = None

    async def submit(columns: list[str], records: list[Record]) -> asyncio.Task:
        prepared = _validate(columns, records)
        if pending is not None:
            await pending
        return asyncio.create_task(_customers_batch(run, records, *prepared))

    try:
        async for columns, record in _records(run.parts, file_id, "customers"):
            if record.line <= done_line:
                continue
            batch.append(record)
            if len(batch) >= run.parts.settings.batch_size:
                pending = await submit(columns, batch)
                batch = []
        if batch:
            pending = await submit(columns, batch)
        if pending is not None:
            await pending
    finally:
        if pending is not None and not pending.done():
            pending.cancel()


def _validate(columns: list[str], records: list[Record]) -> tuple[list[CustomerRow], list[Problem]]:
    rows: list[CustomerRow] = []
    problems: list[Problem] = []
    for record in records:
        cells, problem = given(columns, record.cells)
        if problem is not None:
            problems.append(Problem(record.line, problem.field, problem.message))
            continue
        parsed = customer_row(record.line, cells)
        if isinstance(parsed, list):
            problems.extend(parsed)
        else:
            rows.append(parsed)
    return rows, problems


async def _customers_batch(run: _Run, records: list[Record], valid: list[CustomerRow],
                           problems: list[Problem]) -> None:
    deps = run.deps

    async def work(session: AsyncClientSession) -> None:
        now = utcnow()
        rows, refused = await _not_suppressed(deps, valid, session)
        batch_problems = problems + refused
        existing = {doc["emailKey"]: doc for doc in await deps.customers.collection.find(
            {"emailKey": {"$in": list({row.email_key for row in rows})}}, session=session).to_list()}
        created: dict[str, dict] = {}
        updated: dict[str, tuple[dict, set[str]]] = {}
        unchanged = 0
        for row in rows:
            current = existing.get(row.email_key)
            if current is None:
                doc = _new_customer(row, now)
                existing[row.email_key] = created[doc["_id"]] = doc
                continue
            changes = changes_for(current, row)
            if not changes:
                unchanged += 1
                continue
            merged = {**current, **changes}
            merged.update(search_fields(merged), updatedAt=now)
            existing[row.email_key] = merged
            if merged["_id"] in created:  # the same email twice in one batch: the later row wins
                created[merged["_id"]] = merged
            else:
                fields = updated.get(merged["_id"], ({}, set()))[1] | set(changes)
                updated[merged["_id"]] = (merged, fields)
        writes = [InsertOne(doc) for doc in created.values()] + [
            UpdateOne({"_id": cid}, {"$set": {**{f: doc[f] for f in fields}, **search_fields(doc),
                                              "updatedAt": now}})
            for cid, (doc, fields) in updated.items()]
        if writes:
            await deps.customers.collection.bulk_write(writes, ordered=False, session=session)
            docs = {**created, **{cid: doc for cid, (doc, _) in updated.items()}}
            await apply_membership(deps, await deps.segments.store.all(session), docs, session, now)
            await record_activities(deps, [(_entry(run.job, doc, None, now), None) for doc in created.values()] +
                                    [(_entry(run.job, doc, sorted(fields), now), None)
                                     for doc, fields in updated.values()], session)
            await deps.runtime.outbox.add_many(session, [
                (contact_event(contracts.CustomerCreated, doc, []), None) for doc in created.values()] + [
                (contact_event(contracts.CustomerUpdated, doc, sorted(fields)), None)
                for doc, fields in updated.values()])
        consents = await _record_consents(deps, rows, existing, set(created), session, now)
        await run.commit(session, phase="customers", line=records[-1].line, rows=len(records), file="customers",
                         problems=batch_problems,
                         counts={"created": len(created), "updated": len(updated), "unchanged": unchanged,
                                 "consents": consents, "badRows": len({p.line for p in batch_problems})})

    await run.transaction(work)


async def _not_suppressed(deps: Deps, rows: list[CustomerRow],
                          session: AsyncClientSession) -> tuple[list[CustomerRow], list[Problem]]:
    """An erased person's email or phone (the suppression list) may not come back through an import."""
    hit = await deps.suppressions.suppressed(emails=[row.values["email"] for row in rows],
                                             phones=[row.values["phone"] for row in rows if row.values.get("phone")],
                                             session=session)
    if not hit:
        return rows, []
    kept, refused = [], []
    for row in rows:
        if row.values["email"] in hit.emails:
            refused.append(Problem(row.line, "email", "this email belongs to an erased customer and may not be "
                                                      "imported again"))
        elif row.values.get("phone") in hit.phones:
            refused.append(Problem(row.line, "phone", "this phone number belongs to an erased customer and may not "
                                                      "be imported again"))
        else:
            kept.append(row)
    return kept, refused


async def _record_consents(deps: Deps, rows: list[CustomerRow], customers: dict[str, dict], created: set[str],
                           session: AsyncClientSession, now: datetime) -> int:
    """emailConsent / smsConsent: a decision is appended to the consent ledger (source `import`) only where it
    differs from the customer's latest one, and the flags are re-derived from the ledger; a re-run appends
    nothing. A new customer starts opted out, so only a grant is recorded for them."""
    recorded = 0
    for row in rows:
        if not row.consents:
            continue
        customer = customers[row.email_key]
        moved = set()
        for channel, granted in sorted(row.consents.items()):
            latest = None if customer["_id"] in created else \
                await deps.consents.latest_decision(customer["_id"], channel, session)
            if granted == (latest is not None and latest.status == "granted"):
                continue
            await consents.append(deps, customer, consents.Entry(
                channel=channel, status="granted" if granted else "revoked", source="import", occurred_at=now),
                session, now)
            moved.add(channel)
            recorded += 1
        if moved:
            customers[row.email_key] = await consents.settle_flags(deps, customer, moved, session, now)
    return recorded


def _new_customer(row: CustomerRow, now: datetime) -> dict:
    """The document profiles.create_customer stores, from the row's values and the API's defaults."""
    doc = {"_id": str(uuid.uuid4()), **new_customer_fields(row),
           "registrationDate": row.values.get("registrationDate") or now,
           "loyaltyPoints": 0, "loyaltyLifetimePoints": 0, "loyaltyTier": "bronze",
           "totalSpentMinor": 0, "totalOrders": 0, "lastPurchaseDate": None, "createdAt": now, "updatedAt": now}
    doc.update(search_fields(doc))
    return doc


def _entry(job: CsvJob, doc: dict, fields: list[str] | None, now: datetime) -> dict:
    if fields is None:
        return activity.entry(doc["_id"], "profile.created", "Customer profile created by an import", now,
                              {"jobId": job.id})
    return activity.entry(doc["_id"], "profile.updated", f"Profile updated by an import: {', '.join(fields)}", now,
                          {"fields": fields, "jobId": job.id})


async def _orders(run: _Run, file_id: str, done_line: int) -> None:
    """Lines are grouped by order id; the lines of one order must follow each other. A batch holds whole orders."""
    seen: set[str] = set()
    orders: list[OrderLines] = []
    problems: list[Problem] = []
    current: OrderLines | None = None
    lines = 0

    async def flush(last_line: int) -> None:
        nonlocal orders, problems, lines
        if lines:
            await _orders_batch(run, orders, problems, last_line, lines)
        orders, problems, lines = [], [], 0

    async for columns, record in _records(run.parts, file_id, "orders"):
        cells, problem = given(columns, record.cells)
        order_id = cells.get("orderId")
        if record.line <= done_line:
            if order_id:
                seen.add(order_id)
            continue
        if current is not None and order_id == current.order_id and problem is None:
            current.lines.append((record.line, cells))
            lines += 1
            continue
        if current is not None:
            orders.append(current)
            current = None
            if lines >= run.parts.settings.batch_size:
                await flush(record.line - 1)
        lines += 1
        if problem is not None or not order_id:
            problems.append(Problem(record.line, problem.field if problem else "orderId",
                                    problem.message if problem else "Field required"))
        elif order_id in seen:
            problems.append(Problem(record.line, "orderId", f"the lines of order {order_id} must follow each other"))
        else:
            seen.add(order_id)
            current = OrderLines(order_id, [(record.line, cells)])
    if current is not None:
        orders.append(current)
    await flush(0)


async def _orders_batch(run: _Run, orders: list[OrderLines], problems: list[Problem], last_line: int,
                        lines: int) -> None:
    deps = run.deps
    problems = list(problems)
    refused = 0
    valid: list[OrderRow] = []
    for order in orders:
        parsed = order_row(order)
        if isinstance(parsed, list):
            problems.extend(parsed)
            refused += 1
        else:
            valid.append(parsed)

    async def work(session: AsyncClientSession) -> None:
        now = utcnow()
        refused_here = refused  # work may run again (a retried transaction): count from the same start
        found = await deps.customers.collection.find(
            {"emailKey": {"$in": list({row.email_key for row in valid})}}, {"emailKey": 1},
            session=session).to_list()
        ids = {doc["emailKey"]: doc["_id"] for doc in found}
        batch_problems, pending = list(problems), []
        for row in valid:
            if row.email_key not in ids:
                batch_problems.append(Problem(row.first_line, "customerEmail", "no customer has this email"))
                refused_here += 1
                continue
            try:
                pending.append((row, NewOrder(order_document(deps, ids[row.email_key], row.body, now), "import")))
            except AppError as exc:
                batch_problems.append(Problem(row.first_line, exc.field, exc.message))
                refused_here += 1
        results = await record_orders(deps, [new for _, new in pending], session, strict=False) if pending else []
        created = unchanged = 0
        for (row, _), outcome in zip(pending, results):
            if outcome.error is not None:
                batch_problems.append(Problem(row.first_line, "orderId" if outcome.error.field == "id"
                                              else outcome.error.field, outcome.error.message))
                refused_here += 1
            elif outcome.new:
                created += 1
            else:
                unchanged += 1
        end = last_line or max([line for order in orders for line, _ in order.lines] +
                               [p.line for p in problems] + [0])
        await run.commit(session, phase="orders", line=end, rows=lines, file="orders", problems=batch_problems,
                         counts={"ordersCreated": created, "ordersUnchanged": unchanged, "ordersRefused": refused_here,
                                 "badRows": len({p.line for p in batch_problems})})

    await run.transaction(work)
