"""The shared scheduler: replicas ticking one job run it once per period; leases of crashed runs are taken over;
failed runs are retried; shutdown stops ticking; background tasks that crash are restarted. Time is a test clock."""
import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from shared.background import BackgroundTask, Backoff, Supervisor
from shared.errors import NotFound
from shared.jobs import JobClaims
from shared.mongo import create_client
from shared.scheduler import PeriodicJob, Scheduler, daily, every
from tests.conftest import eventually

START = datetime(2031, 3, 14, 9, 0, tzinfo=timezone.utc)


class TestClock:
    """Time moves only when the test says; sleepers wake once it has moved past their deadline."""
    __test__ = False

    def __init__(self, now: datetime = START):
        self.now = now
        self._moved = asyncio.Condition()
        self.sleepers = 0

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        until = self.now + timedelta(seconds=seconds)
        async with self._moved:
            self.sleepers += 1
            try:
                await self._moved.wait_for(lambda: self.now >= until)
            finally:
                self.sleepers -= 1

    async def advance(self, seconds: float) -> None:
        async with self._moved:
            self.now += timedelta(seconds=seconds)
            self._moved.notify_all()


class Counted:
    """A job's work: counts runs per as-of day; can be told to fail or to hang."""

    def __init__(self):
        self.runs: list[datetime] = []
        self.failures_left = 0
        self.hang: asyncio.Event | None = None

    async def __call__(self, now: datetime) -> dict:
        self.runs.append(now)
        if self.failures_left:
            self.failures_left -= 1
            raise RuntimeError("the work failed")
        if self.hang is not None:
            await self.hang.wait()
        return {"runs": len(self.runs)}


@pytest.fixture
async def claims(mongo_url, isolation):
    client = create_client(mongo_url)
    claims = JobClaims(client[f"scheduler_{isolation}"]["jobs"])
    await claims.ensure_indexes()
    yield claims
    await client.drop_database(f"scheduler_{isolation}")
    await client.close()


def replicas(claims, clock, work, count=2, lease=60.0, period=daily) -> list[Scheduler]:
    schedulers = []
    for i in range(count):
        scheduler = Scheduler(claims, f"replica-{i}", interval_seconds=10, clock=clock, sleep=clock.sleep)
        scheduler.add(PeriodicJob("count", work, period, lease_seconds=lease))
        schedulers.append(scheduler)
    return schedulers


async def test_two_replicas_ticking_run_the_job_once_per_period(claims):
    clock, work = TestClock(), Counted()
    first, second = replicas(claims, clock, work)
    runs = await asyncio.gather(first.tick(), second.tick())
    assert sorted(run.ran for [run] in runs) == [False, True]
    await clock.advance(3600)  # same day
    assert not any(run.ran for tick in await asyncio.gather(first.tick(), second.tick()) for run in tick)
    await clock.advance(86400)  # the next day is a new period
    runs = await asyncio.gather(first.tick(), second.tick())
    assert sorted(run.ran for [run] in runs) == [False, True]
    assert [at.date() for at in work.runs] == [START.date(), (START + timedelta(days=1, hours=1)).date()]
    done = await claims.get("count", START.date().isoformat())
    assert done["status"] == "done" and done["result"] == {"runs": 1}


async def test_interval_periods_and_an_operator_run_share_the_claim(claims):
    clock, work = TestClock(), Counted()
    [scheduler] = replicas(claims, clock, work, count=1, period=every(900))
    assert (await scheduler.run_job("count", START + timedelta(minutes=5))).ran  # as an operator would
    assert not (await scheduler.tick())[0].ran  # 09:00 and 09:05 fall in one 15-minute interval
    await clock.advance(900)
    [run] = await scheduler.tick()
    assert run.ran and run.period == "2031-03-14T09:15:00+00:00"
    with pytest.raises(NotFound, match="no job named nope"):
        await scheduler.run_job("nope")


async def test_a_crashed_runs_lease_is_taken_over_once_it_has_expired(claims):
    clock, work = TestClock(), Counted()
    first, second = replicas(claims, clock, work, lease=60)
    work.hang = asyncio.Event()
    crashed = asyncio.create_task(first.tick())
    await eventually(lambda: _true(len(work.runs) == 1), what="the first replica to start the run")
    crashed.cancel()  # the process dies mid-run: its claim stays, lease and all
    await asyncio.gather(crashed, return_exceptions=True)
    work.hang = None
    assert not (await second.tick())[0].ran  # the lease has not run out yet
    await clock.advance(61)
    [run] = await second.tick()
    assert run.ran and len(work.runs) == 2
    assert (await claims.get("count", run.period))["owner"] == "replica-1"


async def test_a_live_run_keeps_its_lease_past_the_lease_time(claims):
    clock, work = TestClock(), Counted()
    first, second = replicas(claims, clock, work, lease=60)
    work.hang = asyncio.Event()
    slow = asyncio.create_task(first.tick())
    await eventually(lambda: _true(len(work.runs) == 1 and clock.sleepers == 1), what="the run and its heartbeat")
    for _ in range(6):  # two minutes, renewed every 20 s
        await clock.advance(20)
        # renewed, and the heartbeat waiting for its next turn before time moves again
        await eventually(lambda: _renewed_and_waiting(claims, clock), what="the lease to be renewed")
    assert not (await second.tick())[0].ran
    work.hang.set()
    assert (await slow)[0].ran and len(work.runs) == 1


async def test_a_failed_run_gives_its_claim_back_and_is_retried(claims):
    clock, work = TestClock(), Counted()
    first, second = replicas(claims, clock, work)
    work.failures_left = 1
    assert await first.tick() == []  # logged, not raised: the other jobs of the tick still run
    assert await claims.get("count", START.date().isoformat()) is None
    [retry] = await second.tick()
    assert retry.ran and len(work.runs) == 2
    with pytest.raises(RuntimeError):  # an operator's run sees the failure
        work.failures_left = 1
        await first.run_job("count", START + timedelta(days=1))


async def test_the_scheduler_ticks_every_interval_until_shutdown(claims):
    clock, work = TestClock(), Counted()
    [scheduler] = replicas(claims, clock, work, count=1, period=every(10))
    supervisor = Supervisor()
    supervisor.start(scheduler.task())
    await eventually(lambda: _true(clock.sleepers == 1), what="the scheduler to wait for its first tick")
    for expected in (1, 2):
        await clock.advance(10)
        await eventually(lambda: _true(len(work.runs) == expected and clock.sleepers == 1), what=f"tick {expected}")
    await supervisor.stop_all()
    assert supervisor.names == [] and clock.sleepers == 0
    await clock.advance(100)
    await asyncio.sleep(0)  # give a leftover tick, if any, its turn
    assert len(work.runs) == 2


async def test_a_crashed_background_task_is_restarted_and_stops_in_reverse_order():
    events, restarted = [], asyncio.Event()
    attempts = 0

    async def flaky() -> None:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise RuntimeError("boom")
        restarted.set()
        await asyncio.Event().wait()

    async def steady() -> None:
        await asyncio.Event().wait()

    supervisor = Supervisor(Backoff(first=0.01, most=0.01))
    supervisor.start(BackgroundTask("first", steady, after_stop=_record(events, "first stopped")))
    supervisor.start(BackgroundTask("flaky", flaky, before_stop=lambda: events.append("flaky stopping"),
                                    after_stop=_record(events, "flaky stopped")))
    await asyncio.wait_for(restarted.wait(), 10)
    assert attempts == 2
    await supervisor.stop_all()
    assert events == ["flaky stopping", "flaky stopped", "first stopped"]
    assert attempts == 2  # stopped for good, not restarted


async def _true(value: bool) -> bool:
    return value


async def _renewed_and_waiting(claims: JobClaims, clock: TestClock) -> bool:
    claim = await claims.get("count", START.date().isoformat())
    return claim["leaseUntil"] >= clock.now + timedelta(seconds=59) and clock.sleepers == 1


def _record(events: list[str], what: str):
    async def record() -> None:
        events.append(what)
    return record
