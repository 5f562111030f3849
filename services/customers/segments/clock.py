"""The clock segments read 'now' from (`SegmentParts.clock`): the system clock in the service; tests swap in a
clock they move by hand (tests/segments/clock.py), so a boundary 90 days away is crossed in a millisecond."""
import asyncio
from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    async def sleep_until(self, when: datetime, wake: asyncio.Event) -> None:
        """Returns at `when` on this clock, or earlier when `wake` is set."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    async def sleep_until(self, when: datetime, wake: asyncio.Event) -> None:
        seconds = (when - self.now()).total_seconds()
        if seconds <= 0:
            return
        try:
            await asyncio.wait_for(wake.wait(), seconds)
        except asyncio.TimeoutError:
            pass
