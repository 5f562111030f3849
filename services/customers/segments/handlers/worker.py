"""The customers service's segment background work: the queued-job worker, and the periodic time-based refresh
(a job of the shared scheduler, shared/scheduler.py)."""
import asyncio
import logging
from datetime import datetime

from services.customers.handlers.deps import Deps
from services.customers.segments.handlers.jobs import run_next_job
from services.customers.segments.handlers.recompute import refresh_time_based
from shared.background import BackgroundTask
from shared.scheduler import DAY_SECONDS, PeriodicJob, every

log = logging.getLogger(__name__)
SEGMENT_REFRESH = "segment-refresh"


def refresh_job(deps: Deps) -> PeriodicJob:
    """Time-based segments are recomputed once per SEGMENTS_TIME_REFRESH_SECONDS interval, by one replica."""
    settings = deps.segments.settings

    async def refresh(now: datetime) -> dict:
        changes = await refresh_time_based(deps, now)
        log.info("time-based segments refreshed", extra={"changes": changes})
        return {"changes": changes}

    # An interval's claim is kept for a day: long past its interval, and short enough not to pile up.
    return PeriodicJob(SEGMENT_REFRESH, refresh, every(settings.time_refresh_seconds),
                       lease_seconds=settings.job_lease_seconds, keep_seconds=max(DAY_SECONDS,
                                                                                  2 * settings.time_refresh_seconds))


def job_worker(deps: Deps, owner: str) -> BackgroundTask:
    """Runs queued segment jobs (recompute, purge, bulk actions) one after another, woken as soon as one is queued."""
    return BackgroundTask("segment-jobs", lambda: _run_jobs(deps, owner))


async def _run_jobs(deps: Deps, owner: str) -> None:
    parts = deps.segments
    while True:
        try:
            worked = await run_next_job(deps, owner)
        except asyncio.CancelledError:
            raise
        except Exception:  # one job's failure is recorded on the job; the worker goes on with the next
            log.exception("segment job failed")
            worked = False
        if not worked:
            try:
                await asyncio.wait_for(parts.wake.wait(), parts.settings.worker_poll_seconds)
            except asyncio.TimeoutError:
                pass
            parts.wake.clear()
