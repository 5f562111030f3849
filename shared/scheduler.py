"""One scheduler for every periodic job: every replica ticks, a leased claim per period makes each run happen once.

A job is declared once (PeriodicJob): its name, how the period a moment falls in is named (a day, a quarter, an
interval bucket), the work, and its lease. On each tick the scheduler works out each job's current period and
tries to claim `name:period` (shared.jobs.JobClaims): the replica that wins runs it, renewing the lease while it
runs; a finished run marks the period done, a failed one gives the claim back so the next tick retries it, and a
replica that dies mid-run leaves a lease that another replica takes over once it has run out.
"""
import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from shared.background import BackgroundTask
from shared.errors import NotFound
from shared.jobs import JobClaims

log = logging.getLogger(__name__)

PeriodKey = Callable[[datetime], Awaitable[str]]
Clock = Callable[[], datetime]
DAY_SECONDS = 86400


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


async def daily(now: datetime) -> str:
    """Once a day (UTC): 2031-01-01."""
    return now.date().isoformat()


def every(seconds: float) -> PeriodKey:
    """Once per fixed interval, aligned on the epoch: the period is named by when its interval began."""
    async def bucket(now: datetime) -> str:
        start = now.timestamp() // seconds * seconds
        return datetime.fromtimestamp(start, timezone.utc).isoformat()
    return bucket


@dataclass(frozen=True)
class PeriodicJob:
    """`period` None: the job runs on every tick on every replica, because its work claims whatever it touches
    itself (the campaign tick claims each due campaign atomically). `keep_seconds`: how long a finished period's
    claim is kept (it must outlast the period, or the period could run again)."""
    name: str
    run: Callable[[datetime], Awaitable[dict | None]]
    period: PeriodKey | None
    lease_seconds: float = 300.0
    keep_seconds: float = 400 * DAY_SECONDS


@dataclass(frozen=True)
class JobRun:
    job: str
    period: str | None
    ran: bool
    result: dict | None

    def as_dict(self) -> dict:
        return asdict(self)


class Scheduler:
    """`clock` and `sleep` are the wall clock and asyncio.sleep, unless a test controls time."""

    def __init__(self, claims: JobClaims, owner: str, interval_seconds: float, *, clock: Clock = utcnow,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.claims = claims
        self.owner = owner
        self.interval_seconds = interval_seconds
        self.jobs: dict[str, PeriodicJob] = {}
        self._clock = clock
        self._sleep = sleep

    def add(self, job: PeriodicJob) -> None:
        if job.name in self.jobs:
            raise ValueError(f"a periodic job named {job.name} is already registered")
        self.jobs[job.name] = job

    def task(self) -> BackgroundTask:
        return BackgroundTask("scheduler", self.run)

    async def run(self) -> None:
        """Ticks until cancelled; the first tick comes after one interval, so a starting process settles first."""
        while True:
            await self._sleep(self.interval_seconds)
            await self.tick()

    async def tick(self) -> list[JobRun]:
        """Runs every job that is due; one job's failure is logged and retried on a later tick, not the others'."""
        runs = []
        for name in list(self.jobs):
            try:
                runs.append(await self.run_job(name))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduled job failed; it is retried on the next tick", extra={"job": name})
        return runs

    async def run_job(self, name: str, at: datetime | None = None) -> JobRun:
        """Runs the job for the period `at` (default now) falls in, unless a run here or on a replica claimed it.
        Leases are measured on the scheduler's clock, whatever `at` is (operators may run a job as of another day)."""
        job = self.jobs.get(name)
        if job is None:
            raise NotFound(f"no job named {name}; jobs: {', '.join(self.jobs)}", field="name")
        at = at or self._clock()
        if job.period is None:
            return JobRun(name, None, True, await job.run(at))
        period = await job.period(at)
        if not await self.claims.claim(name, period, self.owner, job.lease_seconds, now=self._clock()):
            return JobRun(name, period, False, None)
        heartbeat = asyncio.create_task(self._keep_lease(job, period), name=f"lease {name}:{period}")
        try:
            result = await job.run(at)
        except Exception:
            await self.claims.release(name, period, self.owner)
            raise
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)
        await self.claims.complete(name, period, self.owner, result, job.keep_seconds, now=self._clock())
        log.info("job ran", extra={"job": name, "period": period, "result": result})
        return JobRun(name, period, True, result)

    async def _keep_lease(self, job: PeriodicJob, period: str) -> None:
        """A run that takes longer than its lease stays this replica's as long as the replica is alive."""
        while True:
            await self._sleep(job.lease_seconds / 3)
            try:
                renewed = await self.claims.renew(job.name, period, self.owner, job.lease_seconds, now=self._clock())
            except asyncio.CancelledError:
                raise
            except Exception:  # the database blinked: the lease still has two thirds to run, try again then
                log.warning("job lease not renewed", exc_info=True, extra={"job": job.name, "period": period})
                continue
            if not renewed:
                log.warning("job lease lost to another replica", extra={"job": job.name, "period": period})
                return
