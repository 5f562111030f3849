"""Full recomputation of one segment: after a create or criteria edit, and periodically for time-based criteria.

Only customers whose answer may differ are re-evaluated: those the compiled filter matches now, symmetric-
differenced with the current members. Each batch is re-read and evaluated inside its own transaction with the same
code as real-time updates, so a concurrent customer change can't leave membership or counts wrong.
"""
from collections.abc import Awaitable, Callable
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.handlers.deps import Deps
from services.customers.segments.domain.ast import reads_insights
from services.customers.segments.domain.compiler import compile_filter
from services.customers.segments.handlers.membership import apply_membership, segment_node

Progress = Callable[[AsyncClientSession, int], Awaitable[None]]


class Superseded(Exception):
    """The segment was edited or deleted while it was being recomputed; a newer job takes over."""


async def recompute_segment(deps: Deps, segment: dict, now: datetime, *, publish: bool,
                            progress: Progress | None = None, on_total=None, cause: str = "recompute") -> int:
    """Brings one segment's members in line with its criteria at `now`; returns how many entered or left."""
    store = deps.segments.store
    matched = set(await store.matching_ids(compile_filter(segment_node(segment), now)))
    members = set(await store.all_member_ids(segment["_id"]))
    candidates = sorted(matched ^ members)
    if on_total:
        await on_total(len(candidates))
    size = deps.segments.settings.batch_size
    changes = 0
    for start in range(0, len(candidates), size):
        batch = candidates[start:start + size]

        async def work(session: AsyncClientSession) -> int:
            current = await store.by_id(segment["_id"], session)
            if current is None or current.get("version") != segment.get("version"):
                raise Superseded(segment["_id"])
            docs = {d["_id"]: d for d in await store.customers_by_ids(batch, session)}
            changed = await apply_membership(deps, [current], {c: docs.get(c) for c in batch}, session, now,
                                             publish=publish, cause=cause)
            if progress:
                await progress(session, len(batch))
            return changed

        changes += await deps.runtime.transaction(work)
    return changes


async def mark_ready(deps: Deps, segment: dict, now: datetime) -> None:
    await deps.segments.store.mark_ready(segment["_id"], segment.get("version"), now)
    if segment.get("timeBased"):  # the boundary timer goes on from here (handlers/timers.py)
        await deps.segments.timers.checked(segment["_id"], segment.get("version"), now)


async def refresh_time_based(deps: Deps, now: datetime) -> int:
    """The sweep: recomputes every segment whose criteria use relative dates, as of `now`, and every segment on
    customer insights (rescored by the insights wing in the background); returns the membership changes."""
    changes = 0
    for segment in await deps.segments.store.all():
        if segment.get("state") != "ready":
            continue
        if segment.get("timeBased") or reads_insights(segment_node(segment)):
            try:
                changes += await recompute_segment(deps, segment, now, publish=True,
                                                   cause="clock" if segment.get("timeBased") else "customer")
            except Superseded:
                continue
    return changes
