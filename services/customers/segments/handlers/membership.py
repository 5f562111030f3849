"""Keeps segment membership and counts exact: evaluates changed customers against segments inside the caller's
transaction, inserting or removing member rows, moving the sharded counts and publishing enter/leave events."""
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.handlers.deps import Deps, utcnow
from services.customers.segments.domain.ast import And
from services.customers.segments.domain.language import parse_query
from services.customers.segments.domain.matcher import matches
from services.customers.segments.store.segments import member_id
from shared.events.contracts.segments import SegmentMembershipChanged


def segment_node(segment: dict):
    """A segment's AST, from its canonical query text (parses are cached)."""
    return parse_query(segment["query"]) if segment.get("query") else And(())


async def apply_membership(deps: Deps, segments: list[dict], docs: dict[str, dict | None], session: AsyncClientSession,
                           now: datetime, *, publish: bool = True) -> int:
    """Evaluates each customer (None = deleted) against each segment and writes the difference; returns changes."""
    store = deps.segments.store
    customer_ids = list(docs)
    if not segments or not customer_ids:
        return 0
    segment_ids = {s["_id"] for s in segments}
    scoped = segments[0]["_id"] if len(segments) == 1 else None
    current = {pair for pair in await store.memberships_of(customer_ids, session, scoped) if pair[0] in segment_ids}
    joined, left = [], []
    for segment in segments:
        node = segment_node(segment)
        for customer_id, doc in docs.items():
            inside = (segment["_id"], customer_id) in current
            if matches(node, doc, now) != inside:
                (left if inside else joined).append((segment, customer_id))
    await store.add_members([{"_id": member_id(s["_id"], c), "segmentId": s["_id"], "customerId": c, "since": now}
                             for s, c in joined], session)
    await store.remove_members([member_id(s["_id"], c) for s, c in left], session)
    await store.add_to_counts([(s["_id"], c, 1) for s, c in joined] + [(s["_id"], c, -1) for s, c in left], session)
    if publish:  # one outbox write for all the changes (a batch of orders can move many customers)
        await deps.runtime.outbox.add_many(session, [
            (SegmentMembershipChanged(segmentId=segment["_id"], segmentSlug=segment["slug"], customerId=customer_id,
                                      change=change), None)
            for change, pairs in (("entered", joined), ("left", left))
            for segment, customer_id in pairs if segment.get("state") != "building"])
    return len(joined) + len(left)


async def refresh_membership(deps: Deps, customer_id: str, session: AsyncClientSession,
                             now: datetime | None = None) -> None:
    """Called by every handler that changes a customer's profile, totals or tier, in the same transaction."""
    segments = await deps.segments.store.all(session)
    doc = await deps.customers.get(customer_id, session)
    await apply_membership(deps, segments, {customer_id: doc}, session, now or utcnow())
