"""A service's long-running background work (relay, consumer, scheduler, workers): started, supervised, stopped."""
import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackgroundTask:
    """Work that runs for the life of the process.

    `run` loops until cancelled. `before_stop` is called at shutdown before `run` is cancelled (refuse new work);
    `after_stop` once it has been (close what `run` held open, e.g. a broker connection).
    """
    name: str
    run: Callable[[], Awaitable[None]]
    before_stop: Callable[[], Awaitable[None] | None] | None = None
    after_stop: Callable[[], Awaitable[None]] | None = None


@dataclass(frozen=True)
class Backoff:
    """Pause before restarting a crashed task: first, doubled per crash in a row, up to most. A run that lasted
    `healthy_after` seconds counts as healthy, so the next crash starts from `first` again."""
    first: float = 1.0
    most: float = 60.0
    healthy_after: float = 60.0

    def delay(self, crashes_in_a_row: int) -> float:
        return min(self.most, self.first * 2 ** (crashes_in_a_row - 1))


class Supervisor:
    """Starts tasks in order and stops them in reverse; a task that crashes (or returns: it should run for the
    life of the process) is logged and restarted after a backoff instead of dying silently."""

    def __init__(self, backoff: Backoff = Backoff(), stop_timeout: float = 5.0):
        self.backoff = backoff
        self.stop_timeout = stop_timeout
        self._running: list[tuple[BackgroundTask, asyncio.Task]] = []
        self._stopping: set[str] = set()

    def start(self, task: BackgroundTask) -> None:
        if any(running.name == task.name for running, _ in self._running):
            raise ValueError(f"a background task named {task.name} is already running")
        self._running.append((task, asyncio.create_task(self._supervise(task), name=task.name)))

    @property
    def names(self) -> list[str]:
        return [task.name for task, _ in self._running]

    async def stop(self, name: str) -> None:
        """Stops one task: before_stop, cancel and await, after_stop; each step bounded by stop_timeout."""
        found = [entry for entry in self._running if entry[0].name == name]
        if not found:
            raise KeyError(f"no background task named {name} is running; running: {', '.join(self.names)}")
        [(task, running)] = found
        self._stopping.add(name)
        if task.before_stop:
            await self._bounded(f"{name}: before stop", _maybe_await(task.before_stop))
        running.cancel()
        await self._bounded(f"{name}: cancel", asyncio.gather(running, return_exceptions=True))
        if task.after_stop:
            await self._bounded(f"{name}: after stop", task.after_stop())
        self._running.remove((task, running))
        self._stopping.discard(name)

    async def stop_all(self) -> None:
        """Last started, first stopped: a task may rely on those started before it (the relay) while stopping."""
        for name in reversed(self.names):
            await self.stop(name)

    async def _supervise(self, task: BackgroundTask) -> None:
        loop = asyncio.get_running_loop()
        crashes = 0
        while True:
            started = loop.time()
            try:
                await task.run()
                log.error("background task returned; it is restarted", extra={"task": task.name})
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background task crashed; it is restarted", extra={"task": task.name})
            if task.name in self._stopping:
                return
            crashes = 1 if loop.time() - started >= self.backoff.healthy_after else crashes + 1
            await asyncio.sleep(self.backoff.delay(crashes))

    async def _bounded(self, what: str, awaitable) -> None:
        try:
            await asyncio.wait_for(awaitable, self.stop_timeout)
        except asyncio.TimeoutError:
            log.warning("shutdown step timed out", extra={"step": what})
        except Exception:
            log.exception("shutdown step failed", extra={"step": what})


async def _maybe_await(call: Callable[[], Awaitable[None] | None]) -> None:
    result = call()
    if result is not None:
        await result
