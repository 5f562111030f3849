"""The fan-outs and in-flight deliveries a process has under way (started per campaign or work item, unlike the
service's long-running background tasks in shared/background.py); all cancelled on shutdown, like a crash would."""
import asyncio
import logging
from collections.abc import Coroutine

log = logging.getLogger(__name__)


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, coro: Coroutine, name: str) -> asyncio.Task:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def adopt(self, task: asyncio.Task) -> None:
        """Tracks a task started elsewhere (a broker callback) so shutdown cancels it too."""
        self._tasks.add(task)

    def forget(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task failed", exc_info=task.exception(), extra={"task": task.get_name()})

    async def stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
