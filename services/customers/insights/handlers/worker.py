"""The insights' background work: the refit, a job of the shared scheduler (one replica per interval), and the
incremental scorer, a loop on every replica (two replicas scoring one customer write the same figures)."""
import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timezone

from services.customers.insights.handlers.incremental import score_dirty
from services.customers.insights.handlers.parts import InsightParts
from services.customers.insights.handlers.refit import refit
from shared.background import BackgroundTask
from shared.scheduler import DAY_SECONDS, PeriodicJob, every

log = logging.getLogger(__name__)
INSIGHTS_REFIT = "insights-refit"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def refit_job(parts: InsightParts) -> PeriodicJob:
    """Refits once per INSIGHTS_REFIT_SECONDS interval (default daily)."""
    seconds = parts.settings.refit_seconds

    async def run(now: datetime) -> dict:
        return await refit(parts, now)

    return PeriodicJob(INSIGHTS_REFIT, run, every(seconds), lease_seconds=parts.settings.job_lease_seconds,
                       keep_seconds=max(DAY_SECONDS, 2 * seconds))


def scorer(parts: InsightParts, clock: Callable[[], datetime] = utcnow) -> BackgroundTask:
    return BackgroundTask("insights-scorer", lambda: _score_forever(parts, clock))


async def _score_forever(parts: InsightParts, clock: Callable[[], datetime]) -> None:
    while True:
        try:
            taken = await score_dirty(parts, clock())
        except asyncio.CancelledError:
            raise
        except Exception:  # the marks stay: the next round tries again
            log.exception("incremental insights scoring failed")
            taken = 0
        if taken < parts.settings.score_batch_size:  # a full batch: more may be waiting, go on at once
            await asyncio.sleep(parts.settings.score_poll_seconds)
