"""Bulk actions on a segment's members, one batch per transaction, each customer applied at most once per job."""
import csv
import io

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.clients.calls import ServiceCallFailed
from services.customers.domain import activity
from services.customers.domain.csv_cells import safe_row
from services.customers.handlers.activity_log import record_activity
from services.customers.handlers.deps import Deps, utcnow
from services.customers.handlers.profiles import contact_event
from services.customers.segments.handlers.membership import apply_membership
from shared.events import contracts
from shared.money import to_units

CSV_COLUMNS = ["id", "firstName", "lastName", "email", "phone", "status", "loyaltyTier", "loyaltyPoints",
               "totalSpent", "totalOrders", "lastPurchaseDate", "registrationDate", "tags"]


def _profile_change(action: str, params: dict, doc: dict) -> dict:
    if action == "set_status":
        return {"status": params["status"]} if doc.get("status") != params["status"] else {}
    tags = set(doc.get("tags") or [])
    new = tags | set(params["tags"]) if action == "add_tags" else tags - set(params["tags"])
    return {"tags": sorted(new)} if new != tags else {}


async def _profile_batch(deps: Deps, job: dict, ids: list[str], session: AsyncClientSession) -> dict:
    """Tags or status: the change, its timeline entry and customer.updated, and membership, in one transaction."""
    now = utcnow()
    todo = [c for c in ids if c not in await deps.segments.jobs.marked(job["_id"], ids, session)]
    changed: dict[str, dict | None] = {}
    for doc in await deps.segments.store.customers_by_ids(todo, session):
        changes = _profile_change(job["action"], job["params"], doc)
        if not changes:
            continue
        updated = await deps.customers.update(doc["_id"], {**changes, "updatedAt": now}, [], session)
        fields = sorted(changes)
        await record_activity(deps, activity.entry(doc["_id"], "profile.updated", f"Segment bulk action: "
                                               f"{', '.join(fields)} changed", now,
                                               {"fields": fields, "jobId": job["_id"]}), session)
        await deps.runtime.outbox.add(session, contact_event(contracts.CustomerUpdated, updated, fields))
        changed[doc["_id"]] = updated
    await apply_membership(deps, await deps.segments.store.all(session), changed, session, now)
    await deps.segments.jobs.mark(job["_id"], todo, now, session)
    return {"changed": len(changed)}


def _csv_rows(docs: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for d in docs:  # escaped against formula injection, as every CSV the service writes (domain/csv_cells.py)
        writer.writerow(safe_row([d["_id"], d.get("firstName"), d.get("lastName"), d.get("email"), d.get("phone") or "",
                         d.get("status"), d.get("loyaltyTier"), d.get("loyaltyPoints", 0),
                         f"{to_units(d.get('totalSpentMinor', 0)):.2f}", d.get("totalOrders", 0),
                         d["lastPurchaseDate"].isoformat() if d.get("lastPurchaseDate") else "",
                         d["registrationDate"].isoformat() if d.get("registrationDate") else "",
                         " ".join(d.get("tags") or [])]))
    return out.getvalue()


def csv_header() -> str:
    return ",".join(CSV_COLUMNS) + "\n"


async def _export_batch(deps: Deps, job: dict, ids: list[str], session: AsyncClientSession) -> dict:
    docs = await deps.segments.store.customers_by_ids(ids, session)
    await deps.segments.jobs.add_export_chunk(job["_id"], job.get("seq", 0), _csv_rows(docs), session)
    return {"rows": len(docs)}


async def award_points(deps: Deps, job: dict, ids: list[str]) -> list[str]:
    """Calls loyalty for members not yet marked; the key per job and customer makes a repeated call harmless."""
    todo = [c for c in ids if c not in await deps.segments.jobs.marked(job["_id"], ids)]
    done: list[str] = []
    try:
        for customer_id in todo:
            await deps.segments.loyalty.award_points(customer_id, job["params"]["points"], job["params"]["reason"],
                                                     f"segment-job:{job['_id']}:{customer_id}")
            done.append(customer_id)
    except ServiceCallFailed as exc:
        exc.done = done  # marked by the caller so a retry skips them
        raise
    return done


async def _points_batch(deps: Deps, job: dict, ids: list[str], session: AsyncClientSession, done: list[str]) -> dict:
    await deps.segments.jobs.mark(job["_id"], done, utcnow(), session)
    return {"awarded": len(done)}


BATCH_ACTIONS = {"add_tags": _profile_batch, "remove_tags": _profile_batch, "set_status": _profile_batch,
                 "export_csv": _export_batch}
