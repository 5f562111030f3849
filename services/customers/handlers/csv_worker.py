"""The CSV job worker: claims queued import and export jobs (any replica, one at a time per job, with a lease a
running job renews with each batch) and runs each to the end; a failure is retried with backoff, then recorded."""
import asyncio
import logging
from datetime import timedelta

from services.customers.handlers import customer_export, customer_import
from services.customers.handlers.csv_parts import CsvParts
from services.customers.handlers.deps import Deps, utcnow
from services.customers.store.csv_jobs import DONE, FAILED, QUEUED
from shared.actor import actor_from_record, current_actor
from shared.background import BackgroundTask
from shared.errors import AppError, Unavailable

log = logging.getLogger(__name__)
RUNNERS = {"import": customer_import.run_import, "export": customer_export.run_export}
LOST = (customer_import.LeaseLost, customer_export.ExportLeaseLost)


async def run_next_job(deps: Deps, parts: CsvParts, owner: str) -> bool:
    """Claims one runnable job and runs it; False when there was none."""
    settings = parts.settings
    job = await parts.store.claim(owner, utcnow(), timedelta(seconds=settings.job_lease_seconds))
    if job is None:
        return False
    token = current_actor.set(actor_from_record(job.actor))  # what it writes names who started it
    try:
        result = await RUNNERS[job.kind](deps, parts, job, owner)
    except LOST:
        return True
    except Exception as exc:
        attempts = job.attempts + 1
        # A refusal (an expired upload, a segment deleted meanwhile) will not pass on a retry; a busy or
        # unreachable database (Unavailable) may.
        refused = isinstance(exc, AppError) and not isinstance(exc, Unavailable)
        final = attempts >= settings.job_max_attempts or refused
        await parts.store.release(job.id, owner, {
            "status": FAILED if final else QUEUED, "error": getattr(exc, "message", None) or
            f"{type(exc).__name__}: {exc}"[:500], "runAfter": utcnow() + timedelta(seconds=min(60, 2 ** attempts)),
            "updatedAt": utcnow(), **({"finishedAt": utcnow()} if final else {})})
        if not refused:
            log.exception("csv job failed", extra={"jobId": job.id, "attempts": attempts})
        return True
    finally:
        current_actor.reset(token)
    await parts.store.progress(job.id, owner, {"status": DONE, "finishedAt": utcnow(), "updatedAt": utcnow(),
                                               "error": None, **result})
    return True


def job_worker(deps: Deps, parts: CsvParts, owner: str) -> BackgroundTask:
    return BackgroundTask("csv-jobs", lambda: _run_jobs(deps, parts, owner))


async def _run_jobs(deps: Deps, parts: CsvParts, owner: str) -> None:
    while True:
        try:
            worked = await run_next_job(deps, parts, owner)
        except asyncio.CancelledError:
            raise
        except Exception:  # the store unreachable: try again after a pause
            log.exception("csv job worker")
            worked = False
        if not worked:
            try:
                await asyncio.wait_for(parts.wake.wait(), parts.settings.worker_poll_seconds)
            except asyncio.TimeoutError:
                pass
            parts.wake.clear()
