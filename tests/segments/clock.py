"""A clock the test moves by hand, for deps.segments.clock: the boundary timer sleeps on it and wakes when it moves."""
import asyncio
from datetime import datetime, timedelta


class ManualClock:
    def __init__(self, start: datetime):
        self._now = start
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        return self._now

    def advance(self, by: timedelta) -> datetime:
        self._now += by
        self._moved.set()
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when
        self._moved.set()

    async def sleep_until(self, when: datetime, wake: asyncio.Event) -> None:
        while self._now < when and not wake.is_set():
            self._moved.clear()
            moved, woken = asyncio.ensure_future(self._moved.wait()), asyncio.ensure_future(wake.wait())
            try:
                await asyncio.wait({moved, woken}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                moved.cancel()
                woken.cancel()


def install(deps, start: datetime) -> ManualClock:
    """Puts a manual clock in the app and wakes the timer so it sleeps on it from now on."""
    clock = ManualClock(start)
    deps.segments.clock = clock
    deps.segments.timer_wake.set()
    return clock
