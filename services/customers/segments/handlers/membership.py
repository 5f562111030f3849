"""Keeps segment membership and counts exact: evaluates changed customers against segments inside the caller's
transaction, inserting or removing member rows, moving the sharded counts, appending the membership history and
publishing enter/leave events."""
import uuid
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.handlers.deps import Deps
from services.customers.segments.domain.ast import And, reads_insights
from services.customers.segments.domain.explain import deciding
from services.customers.segments.domain.language import parse_query
from services.customers.segments.domain.matcher import matches
from services.customers.segments.domain.printer import to_text
from services.customers.segments.domain.timing import Crossing
from services.customers.segments.store.segments import member_id
from shared.events.contracts.segments import SegmentMembershipChanged


def segment_node(segment: dict):
    """A segment's AST, from its canonical query text (parses are cached)."""
    return parse_query(segment["query"]) if segment.get("query") else And(())


def _history(segment: dict, customer_id: str, change: str, doc: dict | None, now: datetime,
             crossing: Crossing | None, cause: str) -> dict:
    """One history record; the deciding clause follows docs/segments.md (Membership history)."""
    clauses = deciding(segment_node(segment), doc, crossing.evaluate_at if crossing else now)
    clause = to_text(crossing.cond) if crossing else (clauses[0] if clauses else None)
    return {"_id": str(uuid.uuid4()), "segmentId": segment["_id"], "segmentSlug": segment["slug"],
            "customerId": customer_id, "change": change, "at": crossing.at if crossing else now, "clause": clause,
            "clauses": clauses, "cause": cause, "version": segment.get("version"),
            "reason": "deleted" if doc is None else "erased" if doc.get("status") == "erased" else None}


async def apply_membership(deps: Deps, segments: list[dict], docs: dict[str, dict | None], session: AsyncClientSession,
                           now: datetime, *, publish: bool = True, cause: str = "customer",
                           crossings: dict[str, Crossing] | None = None) -> int:
    """Evaluates each customer (None = deleted) against each segment and writes the difference; returns changes.

    `crossings` (the boundary timer): a customer listed there is evaluated just after the boundary they crossed,
    and the change is dated at it."""
    store = deps.segments.store
    customer_ids = list(docs)
    if not segments or not customer_ids:
        return 0
    crossings = crossings or {}
    segment_ids = {s["_id"] for s in segments}
    scoped = segments[0]["_id"] if len(segments) == 1 else None
    current = {pair for pair in await store.memberships_of(customer_ids, session, scoped) if pair[0] in segment_ids}
    joined, left = [], []
    for segment in segments:
        node = segment_node(segment)
        for customer_id, doc in docs.items():
            inside = (segment["_id"], customer_id) in current
            crossing = crossings.get(customer_id)
            if matches(node, doc, crossing.evaluate_at if crossing else now) != inside:
                (left if inside else joined).append((segment, customer_id))
    when = {c: (x.at if x else now) for c, x in ((c, crossings.get(c)) for c in customer_ids)}
    await store.add_members([{"_id": member_id(s["_id"], c), "segmentId": s["_id"], "customerId": c,
                              "since": when[c]} for s, c in joined], session)
    await store.remove_members([member_id(s["_id"], c) for s, c in left], session)
    await store.add_to_counts([(s["_id"], c, 1) for s, c in joined] + [(s["_id"], c, -1) for s, c in left], session)
    # History: every change, including a segment's first build (its members entered then); append-only.
    await deps.segments.changes.add([
        _history(segment, customer_id, change, docs[customer_id], now, crossings.get(customer_id), cause)
        for change, pairs in (("entered", joined), ("left", left)) for segment, customer_id in pairs], session)
    if publish:  # one outbox write for all the changes (a batch of orders can move many customers)
        await deps.runtime.outbox.add_many(session, [
            (SegmentMembershipChanged(segmentId=segment["_id"], segmentSlug=segment["slug"], customerId=customer_id,
                                      change=change, at=when[customer_id], cause=cause), None)
            for change, pairs in (("entered", joined), ("left", left))
            for segment, customer_id in pairs if segment.get("state") != "building"])
    return len(joined) + len(left)


async def refresh_membership(deps: Deps, customer_id: str, session: AsyncClientSession,
                             now: datetime | None = None) -> None:
    """Called by every handler that changes a customer's profile, totals or tier, in the same transaction."""
    segments = await deps.segments.store.all(session)
    doc = await deps.customers.get(customer_id, session)
    await apply_membership(deps, segments, {customer_id: doc}, session, now or deps.segments.clock.now())


async def insights_changed(deps: Deps, customer_ids: list[str]) -> int:
    """For the insights wing, after it wrote new figures for these customers: re-evaluates them against the
    segments that read insights, a batch per transaction; returns the membership changes. (The sweep recomputes
    those segments anyway, so a missed call only delays a change by up to one sweep interval.)"""
    store, changes = deps.segments.store, 0
    segments = [s for s in await store.all() if reads_insights(segment_node(s))]
    size = deps.segments.settings.batch_size
    for start in range(0, len(customer_ids) if segments else 0, size):
        batch = customer_ids[start:start + size]

        async def work(session: AsyncClientSession) -> int:
            docs = {d["_id"]: d for d in await store.customers_by_ids(batch, session)}
            current = [s for s in await store.all(session) if s["_id"] in {x["_id"] for x in segments}]
            return await apply_membership(deps, current, {c: docs.get(c) for c in batch}, session,
                                          deps.segments.clock.now())

        changes += await deps.runtime.transaction(work)
    return changes
