"""Template work (checks when saving, renders for previews and sends) off the event loop, under the limits.

A render is Python code: on the event loop, one slow template would stall every request and send of the process.
Here it runs in a small pool of threads; each render is cut off by its budget (template_limits), so a thread is
free again at most about `template_render_seconds` later and cut-off renders can't pile up threads.
"""
import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from services.campaigns.domain import template_limits
from services.campaigns.domain.template_limits import RenderLimits
from services.campaigns.settings import CampaignsSettings

T = TypeVar("T")


class RenderPool:
    def __init__(self, limits: RenderLimits, threads: int):
        self.limits = limits
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="template-render")
        self._lock = threading.Lock()
        self.running = 0  # jobs inside a thread right now (a cut-off render leaves this count when it stops)

    async def run(self, job: Callable[..., T], /, *args) -> T:
        return await asyncio.wrap_future(self._executor.submit(self._bounded, job, args))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _bounded(self, job: Callable[..., T], args: tuple) -> T:
        with self._lock:
            self.running += 1
        try:
            with template_limits.using(self.limits):
                return job(*args)
        finally:
            with self._lock:
                self.running -= 1


def limits_from(settings: CampaignsSettings) -> RenderLimits:
    return RenderLimits(max_output_chars=settings.template_max_output_chars,
                        max_iterations=settings.template_max_iterations,
                        max_seconds=settings.template_render_seconds)


_pools: dict[tuple[RenderLimits, int], RenderPool] = {}
_pools_lock = threading.Lock()


def pool_for(settings: CampaignsSettings) -> RenderPool:
    """One pool per process and limits (made on first use, not at import): every app built from the same settings
    shares its threads, which stay idle and cheap between renders."""
    key = (limits_from(settings), settings.template_render_threads)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = RenderPool(*key)
        return _pools[key]


async def off_loop(settings: CampaignsSettings, job: Callable[..., T], /, *args) -> T:
    return await pool_for(settings).run(job, *args)
