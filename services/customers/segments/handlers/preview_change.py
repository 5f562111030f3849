"""Previewing an edit to a segment: who would join and who would leave if its criteria were replaced, with counts
and samples, before anything is saved."""
from services.customers.handlers.deps import Deps
from services.customers.segments.domain.compiler import compile_filter
from services.customers.segments.domain.models import SegmentPreview, definition
from services.customers.segments.handlers.crud import get_segment, with_counts
from services.customers.segments.store.segments import live


async def preview_change(deps: Deps, id_or_slug: str, body: SegmentPreview) -> dict:
    """A one-off comparison of the new criteria's matches with today's members (by customer id, so samples are
    stable between two calls)."""
    segment = (await with_counts(deps, [await get_segment(deps, id_or_slug)]))[0]
    node, criteria, query = definition(body.criteria, body.query)
    store = deps.segments.store
    would = set(await store.matching_ids(live(compile_filter(node, deps.segments.clock.now()))))
    members = set(await store.all_member_ids(segment["_id"]))
    joining, leaving = sorted(would - members), sorted(members - would)
    size = body.sample_size
    return {"segment": segment, "criteria": criteria, "query": query, "count": len(would),
            "currentCount": segment["customerCount"], "staying": len(would & members),
            "joining": {"count": len(joining), "sample": await store.customers_by_ids(joining[:size]) if size else []},
            "leaving": {"count": len(leaving), "sample": await store.customers_by_ids(leaving[:size]) if size else []}}
