"""Segment explanations: why one customer is in a segment or not (each clause with their value), and the
membership history of a segment (who entered or left, when, and the clause that decided it)."""
from dataclasses import dataclass
from datetime import datetime

from services.customers.handlers.deps import Deps
from services.customers.segments.domain.explain import ClauseResult, explain
from services.customers.segments.handlers.crud import get_segment
from services.customers.segments.handlers.membership import segment_node
from services.customers.segments.store.changes import SegmentChange, encode_cursor
from shared.errors import NotFound


@dataclass(frozen=True)
class Explanation:
    segment: dict
    customer_id: str
    member: bool        # what the stored membership says
    matches: bool       # what the criteria say now (they differ only while a change is being applied)
    evaluated_at: datetime
    result: ClauseResult


async def explain_membership(deps: Deps, id_or_slug: str, customer_id: str) -> Explanation:
    segment = await get_segment(deps, id_or_slug)
    doc = await deps.customers.get(customer_id)
    if doc is None:
        raise NotFound(f"customer {customer_id} not found", field="customerId")
    now = deps.segments.clock.now()
    result = explain(segment_node(segment), doc, now)
    if doc.get("status") == "erased":  # a tombstone keeps totals but belongs to no segment
        result = ClauseResult(result.kind, result.text, False, clauses=result.clauses)
    member = bool(await deps.segments.store.memberships_of([customer_id], None, segment["_id"]))
    return Explanation(segment, customer_id, member, result.holds, now, result)


@dataclass(frozen=True)
class ChangePage:
    items: list[SegmentChange]
    end_cursor: str | None
    has_next_page: bool


async def membership_changes(deps: Deps, id_or_slug: str, limit: int, after: str | None,
                             since: datetime | None) -> ChangePage:
    segment = await get_segment(deps, id_or_slug)
    rows = await deps.segments.changes.page(segment["_id"], limit + 1, after, since)
    items = rows[:limit]
    return ChangePage(items, encode_cursor(items[-1]) if items else None, len(rows) > limit)
