"""Group commit: callers submit one item each and wait; items are written together, one flush at a time.

SecantusDB does ~100 transactions/s, so one transaction per message would cap sending there; a flush of many
items costs about the same as a flush of one.
"""
import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

Flush = Callable[[list[Any]], Awaitable[list[Any]]]


class Batcher:
    def __init__(self, flush: Flush, *, max_size: int = 200, max_delay: float = 0.005):
        self._flush = flush
        self._max_size = max_size
        self._max_delay = max_delay
        self._pending: list[tuple[Any, asyncio.Future]] = []
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task | None = None

    async def submit(self, item: Any) -> Any:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if len(self._pending) >= self._max_size:
            asyncio.create_task(self._drain())
        elif self._timer is None or self._timer.done():
            self._timer = asyncio.create_task(self._later())
        return await future

    async def _later(self) -> None:
        await asyncio.sleep(self._max_delay)
        await self._drain()

    async def _drain(self) -> None:
        async with self._lock:
            while self._pending:
                batch, self._pending = self._pending[:self._max_size], self._pending[self._max_size:]
                try:
                    results = await self._flush([item for item, _ in batch])
                except BaseException as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("cancelled"))
                    if not isinstance(exc, Exception):
                        raise
                    continue
                for (_, future), result in zip(batch, results):
                    if not future.done():
                        future.set_result(result)
