"""The boundary timer: time-based segments change membership at the moment a customer crosses a boundary
("no purchase in 90 days" turns true 90 days after their last purchase), not at the next sweep.

Each customer's boundaries follow from their own dates (domain/timing.py), which the customers collection indexes,
so the schedule is read from there rather than kept as a copy that every customer change would have to rewrite:
per segment, `checkedAt` says up to when the clock's effects are applied; the next boundary at or after it is the
earliest `date >= checkedAt - N days` of each relative condition. The timer sleeps until the earliest boundary of
all segments (at most `timer_max_sleep_seconds`, so a boundary another replica's write created is seen), then
re-evaluates the customers whose boundaries fell in [checkedAt, now), each just after their own boundary, and
records the change and the event dated at it. A segment's timer is leased, so one replica applies it.
The 15-minute sweep (worker.refresh_job) stays as the safety net.
"""
import asyncio
import logging
from datetime import datetime, timedelta, timezone

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.handlers.deps import Deps
from services.customers.segments.domain.ast import FIELDS, relative_conditions
from services.customers.segments.domain.timing import last_crossing, window_filter
from services.customers.segments.handlers.membership import apply_membership, segment_node
from services.customers.segments.handlers.recompute import Superseded
from services.customers.segments.store.segments import live
from shared.background import BackgroundTask

log = logging.getLogger(__name__)
RETRY_SECONDS = 1.0  # a segment leased by another replica is looked at again this soon


def _ms(value: datetime) -> datetime:
    # Stored dates have millisecond precision; windows cut at finer instants would lose a boundary between them.
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _wall() -> datetime:
    return datetime.now(timezone.utc)  # leases are about live processes, so they use the wall clock


async def next_boundary(deps: Deps, segment: dict, since: datetime) -> datetime | None:
    """The earliest boundary at or after `since` of any customer for this segment."""
    found = None
    for cond in relative_conditions(segment_node(segment)):
        path, days = FIELDS[cond.field].path, timedelta(days=cond.value)
        # One indexed range read; an erased tombstone found here only costs an early wake-up (the re-evaluation
        # leaves it out).
        doc = await deps.segments.store.customers.find_one({path: {"$gte": since - days}}, {path: 1},
                                                           sort=[(path, 1)])
        value = doc and _lookup(doc, path)
        if isinstance(value, datetime):
            boundary = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)) + days
            found = boundary if found is None else min(found, boundary)
    return found


def _lookup(doc: dict, path: str):
    for part in path.split("."):
        doc = doc.get(part) if isinstance(doc, dict) else None
    return doc


async def apply_crossings(deps: Deps, segment: dict, since: datetime, until: datetime) -> int:
    """Moves the customers whose boundaries fall in [since, until), each dated at their boundary."""
    store, node = deps.segments.store, segment_node(segment)
    ids = await store.matching_ids(live(window_filter(node, since, until)))
    size, changes = deps.segments.settings.batch_size, 0
    for start in range(0, len(ids), size):
        batch = ids[start:start + size]

        async def work(session: AsyncClientSession) -> int:
            current = await store.by_id(segment["_id"], session)
            if current is None or current.get("version") != segment.get("version"):
                raise Superseded(segment["_id"])
            docs = {d["_id"]: d for d in await store.customers_by_ids(batch, session)}
            # Re-read in the transaction: a customer changed since the query is judged on what they are now.
            crossings = {c: x for c, x in ((c, last_crossing(node, docs.get(c), since, until)) for c in batch) if x}
            moved = {c: docs[c] for c in crossings}
            return await apply_membership(deps, [current], moved, session, until, cause="clock",
                                          crossings=crossings)

        changes += await deps.runtime.transaction(work)
    return changes


async def run_due(deps: Deps, owner: str) -> datetime | None:
    """Applies every boundary crossed up to now; returns the next boundary of any customer (None: none known), or
    a moment soon when another replica holds a due segment."""
    parts = deps.segments
    now = _ms(parts.clock.now())
    wake_at: datetime | None = None
    states = await parts.timers.all()
    for segment in await parts.store.all():
        if not segment.get("timeBased") or segment.get("state") != "ready":
            continue
        state = states.get(segment["_id"])
        checked = state.checked_at if state and state.version == segment.get("version") else None
        if checked is None:  # a segment from before the timer: its last recompute or sweep is the starting point
            checked = segment.get("computedAt") or now
        due = await next_boundary(deps, segment, checked)
        if due is not None and due < now:
            lease = timedelta(seconds=parts.settings.job_lease_seconds)
            if not await parts.timers.claim(segment["_id"], owner, _wall(), _wall() + lease):
                wake_at = _earliest(wake_at, now + timedelta(seconds=RETRY_SECONDS))
                continue
            try:
                changes = await apply_crossings(deps, segment, checked, now)
            except Superseded:
                await parts.timers.release(segment["_id"], owner, None, None)
                continue
            await parts.timers.release(segment["_id"], owner, segment.get("version"), now)
            if changes:
                log.info("segment boundaries crossed", extra={"segment": segment["slug"], "changes": changes})
            due = await next_boundary(deps, segment, now)
        if due is not None:
            wake_at = _earliest(wake_at, due)
    return wake_at


def _earliest(current: datetime | None, candidate: datetime) -> datetime:
    return candidate if current is None or candidate < current else current


def timer_worker(deps: Deps, owner: str) -> BackgroundTask:
    return BackgroundTask("segment-timers", lambda: _run(deps, owner))


async def _run(deps: Deps, owner: str) -> None:
    parts = deps.segments
    while True:
        latest = parts.clock.now() + timedelta(seconds=parts.settings.timer_max_sleep_seconds)
        try:
            wake_at = _earliest(await run_due(deps, owner), latest)
        except asyncio.CancelledError:
            raise
        except Exception:  # logged; the next round tries again (the sweep covers a longer failure)
            log.exception("segment boundary timer failed")
            wake_at = latest
        # Woken just after the boundary: at the boundary itself the old answer still holds.
        await parts.clock.sleep_until(wake_at + timedelta(milliseconds=1), parts.timer_wake)
        parts.timer_wake.clear()
