"""Each replica ticks the jobs on an interval; the claim in MongoDB makes sure only one of them runs each period."""
import asyncio
import logging

from services.loyalty.handlers.deps import Deps, utcnow
from services.loyalty.handlers.jobs import JOBS, run_job

log = logging.getLogger(__name__)


async def run_scheduler(deps: Deps) -> None:
    interval = deps.settings.scheduler_interval_seconds
    while True:
        await asyncio.sleep(interval)  # first tick after one interval, so a starting process settles first
        for name in JOBS:
            try:
                await run_job(deps, name, utcnow())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduled job failed; it is retried on the next tick", extra={"job": name})
