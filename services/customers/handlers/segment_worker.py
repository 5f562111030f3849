"""The background worker of the customers service for segments: runs queued jobs and the periodic time refresh."""
import asyncio
import logging
import os
import socket
import uuid
from datetime import timedelta

from services.customers.handlers.deps import utcnow
from services.customers.handlers.segment_jobs import run_next_job
from services.customers.handlers.segment_recompute import refresh_time_based
from services.customers.handlers.segments import install_prebuilt

log = logging.getLogger(__name__)
TIME_REFRESH = "time_refresh"


async def refresh_if_due(deps) -> bool:
    """Runs the time-based refresh when its turn has come; one replica wins each turn."""
    now = utcnow()
    interval = timedelta(seconds=deps.segments.settings.time_refresh_seconds)
    if not await deps.segments.store.claim_schedule(TIME_REFRESH, now, now + interval):
        return False
    changes = await refresh_time_based(deps, now)
    log.info("time-based segments refreshed", extra={"changes": changes})
    return True


async def run_worker(deps) -> None:
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    parts = deps.segments
    while True:
        try:
            worked = await run_next_job(deps, owner)
            worked = await refresh_if_due(deps) or worked
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("segment worker error")
            worked = False
        if not worked:
            try:
                await asyncio.wait_for(parts.wake.wait(), parts.settings.worker_poll_seconds)
            except asyncio.TimeoutError:
                pass
            parts.wake.clear()


async def start(deps, runtime) -> None:
    """Called from the app's setup: pre-built segments, then the worker, stopped with the runtime's other tasks."""
    await install_prebuilt(deps)
    # The runtime cancels and awaits its tasks on shutdown; the worker is one of them.
    runtime.add_task(run_worker(deps), name="segment-worker")
