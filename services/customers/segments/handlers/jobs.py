"""Segment jobs: recompute, purge and bulk actions, queued in Mongo and run batch by batch by any replica's worker.

A job is claimed with a lease (find_one_and_update), so one worker runs it at a time; a worker that dies leaves the
lease to expire and another resumes from the recorded cursor. Each batch's effects commit with the job's progress.
"""
import hashlib
import uuid
from datetime import datetime, timedelta

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.clients.calls import ServiceCallFailed
from services.customers.handlers.deps import Deps, utcnow
from services.customers.segments.handlers import bulk
from services.customers.segments.handlers.recompute import Superseded, mark_ready, recompute_segment
from services.customers.segments.store.jobs import DONE, FAILED, QUEUED
from shared.actor import actor_from_record, actor_record, current_actor
from shared.errors import Conflict, Forbidden
from shared.permissions import bulk_action_allowed


class LeaseLost(Exception):
    """Another worker took the job over; this one stops without writing."""


def new_job(kind: str, segment: dict, now: datetime, **fields) -> dict:
    return {"_id": fields.pop("_id", None) or str(uuid.uuid4()), "kind": kind, "segmentId": segment["_id"],
            "segmentSlug": segment["slug"], "status": QUEUED, "total": None, "processed": 0, "cursor": None, "seq": 0,
            "result": {}, "error": None, "attempts": 0, "runAfter": now, "createdAt": now, "updatedAt": now,
            "finishedAt": None, **fields}


def bulk_job_id(segment_id: str, key: str) -> str:
    return "bulk-" + hashlib.sha256(f"{segment_id}\x00{key}".encode()).hexdigest()[:32]


async def enqueue_bulk(deps: Deps, segment: dict, action: str, params: dict, key: str | None) -> dict:
    """Queues a bulk action; the same idempotency key returns the job already queued instead of a second one.
    The staff member asking must hold the permission of what the action does (checked here as well as in the
    gateway, so no other way in can award points or suspend customers); the job keeps them as its actor."""
    actor = current_actor.get()
    if actor is not None and not bulk_action_allowed(actor.role, action):
        raise Forbidden(f"role {actor.role} may not run the bulk action {action}", field="action")
    now = utcnow()
    job_id = bulk_job_id(segment["_id"], key) if key else None
    if job_id and (existing := await deps.segments.jobs.get(job_id)):
        return _same_request(existing, action, params)
    total = (await deps.segments.store.counts([segment["_id"]]))[segment["_id"]]
    job = new_job("bulk", segment, now, _id=job_id, action=action, params=params, idempotencyKey=key, total=total,
                  actor=actor_record())
    if not await deps.segments.jobs.add(job):
        return _same_request(await deps.segments.jobs.get(job_id), action, params)
    deps.segments.wake.set()
    return job


def _same_request(job: dict, action: str, params: dict) -> dict:
    if job.get("action") != action or job.get("params") != params:
        raise Conflict("this idempotency key was used for a different bulk action", field="idempotencyKey")
    return job


async def run_next_job(deps: Deps, owner: str, now: datetime | None = None) -> bool:
    """Claims one runnable job and runs it to the end; False when there was none."""
    settings = deps.segments.settings
    now = now or utcnow()
    job = await deps.segments.jobs.claim(owner, now, timedelta(seconds=settings.job_lease_seconds))
    if job is None:
        return False
    # The job's effects (timeline entries, ledger entries through loyalty, events) name who started it.
    actor_token = current_actor.set(actor_from_record(job.get("actor")))
    try:
        return await _run_claimed(deps, job, owner)
    finally:
        current_actor.reset(actor_token)


async def _run_claimed(deps: Deps, job: dict, owner: str) -> bool:
    settings = deps.segments.settings
    try:
        result = await _run(deps, job, owner)
    except LeaseLost:
        return True
    except Exception as exc:  # retried later with backoff; failed for good after the last attempt
        attempts = job.get("attempts", 0) + 1
        final = attempts >= settings.job_max_attempts
        await deps.segments.jobs.release(job["_id"], owner, {
            "status": FAILED if final else QUEUED, "error": f"{type(exc).__name__}: {exc}"[:500],
            "runAfter": utcnow() + timedelta(seconds=min(60, 2 ** attempts)), "updatedAt": utcnow(),
            **({"finishedAt": utcnow()} if final else {})})
        if not isinstance(exc, (ServiceCallFailed, Superseded)):
            raise
        return True
    await deps.segments.jobs.progress(job["_id"], owner, {"status": DONE, "finishedAt": utcnow(),
                                                          "updatedAt": utcnow(), "error": None, **result})
    return True


async def _run(deps: Deps, job: dict, owner: str) -> dict:
    store = deps.segments.store
    if job["kind"] == "purge":
        while await store.purge_members(job["segmentId"], deps.segments.settings.batch_size):
            pass
        return {}
    segment = await store.by_id(job["segmentId"])
    if job["kind"] == "recompute":
        return await _recompute(deps, job, owner, segment)
    if segment is None:
        return {"status": FAILED, "error": "the segment was deleted"}
    return await _bulk(deps, job, owner, segment)


async def _recompute(deps: Deps, job: dict, owner: str, segment: dict | None) -> dict:
    if segment is None or segment.get("version") != job.get("version"):
        return {"result": {"superseded": True}}
    jobs = deps.segments.jobs

    async def on_total(total: int) -> None:
        if not await jobs.progress(job["_id"], owner, {"total": total, "processed": 0}):
            raise LeaseLost(job["_id"])

    async def progress(session: AsyncClientSession, count: int) -> None:
        if not await jobs.progress(job["_id"], owner, {"updatedAt": utcnow()}, session, inc={"processed": count}):
            raise LeaseLost(job["_id"])

    now = deps.segments.clock.now()
    try:
        changes = await recompute_segment(deps, segment, now, publish=job.get("publish", False), progress=progress,
                                          on_total=on_total)
    except Superseded:
        return {"result": {"superseded": True}}
    await mark_ready(deps, segment, now)
    return {"result": {"changes": changes}}


async def _bulk(deps: Deps, job: dict, owner: str, segment: dict) -> dict:
    action = job["action"]
    if action == "target_campaign":
        await deps.segments.campaigns.target_segment(job["params"]["campaignId"], segment["slug"], job["_id"])
        count = (await deps.segments.store.counts([segment["_id"]]))[segment["_id"]]
        return {"processed": count, "total": count,
                "result": {"campaignId": job["params"]["campaignId"], "targetSegment": segment["slug"]}}
    totals = dict(job.get("result") or {})
    size = deps.segments.settings.batch_size
    while ids := await deps.segments.store.member_ids(segment["_id"], job.get("cursor"), size):
        done = None
        if action == "award_points":
            try:
                done = await bulk.award_points(deps, job, ids)
            except ServiceCallFailed as exc:
                await _commit_batch(deps, job, owner, ids, exc.done, totals, partial=True)
                raise
        await _commit_batch(deps, job, owner, ids, done, totals)
        job = {**job, "cursor": ids[-1], "seq": job.get("seq", 0) + 1}
    if action == "export_csv":
        totals["downloadPath"] = f"/segment-jobs/{job['_id']}/export.csv"
    return {"result": totals}


async def _commit_batch(deps: Deps, job: dict, owner: str, ids: list[str], done, totals: dict, partial=False) -> None:
    """One batch: its effects, the markers and the job's cursor and counters, all or nothing."""
    jobs = deps.segments.jobs

    async def work(session: AsyncClientSession) -> dict:
        if job["action"] == "award_points":
            counts = await bulk._points_batch(deps, job, ids, session, done or [])
        else:
            counts = await bulk.BATCH_ACTIONS[job["action"]](deps, job, ids, session)
        new_totals = {k: totals.get(k, 0) + counts.get(k, 0) for k in counts}
        changes = {"updatedAt": utcnow(), **{f"result.{k}": v for k, v in new_totals.items()}}
        inc = None
        if not partial:
            changes.update(cursor=ids[-1], seq=job.get("seq", 0) + 1)
            inc = {"processed": len(ids)}
        if not await jobs.progress(job["_id"], owner, changes, session, inc=inc):
            raise LeaseLost(job["_id"])
        return new_totals

    totals.update(await deps.runtime.transaction(work))
