"""Segment queries: segments, segment(id or slug), previewSegment, segmentJob."""
import strawberry
from strawberry import UNSET
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.customers.types import Customer
from gateway.pagination import Connection, page_window
from gateway.segments.types import Segment, SegmentChangePreview, SegmentJob, SegmentMove, SegmentPreview


@strawberry.type
class SegmentQueries:
    @strawberry.field
    async def segments(self, info: Info, first: int = 50, after: str | None = None) -> Connection[Segment]:
        limit, offset = page_window(first, after)
        page = await info.context.clients.segments.list(limit, offset)
        return Connection.from_page([Segment.from_json(s) for s in page["items"]], offset=offset, total=page["total"])

    @strawberry.field(description="A segment by its id or its slug (e.g. new_customers).")
    async def segment(self, info: Info, id: strawberry.ID) -> Segment:
        return Segment.from_json(await info.context.clients.segments.get(id))

    @strawberry.field(description="Count and sample the customers that criteria or a query select, without saving.")
    async def preview_segment(self, info: Info, criteria: JSON | None = UNSET, query: str | None = UNSET,
                              sample_size: int = 10) -> SegmentPreview:
        body: dict = {"sampleSize": sample_size}
        if criteria is not UNSET:
            body["criteria"] = criteria
        if query is not UNSET:
            body["query"] = query
        found = await info.context.clients.segments.preview(body)
        return SegmentPreview(criteria=found["criteria"], query=found["query"], count=found["count"],
                              sample=[Customer.from_json(c) for c in found["sample"]])

    @strawberry.field(description="Who would join and who would leave a segment (id or slug) if its criteria became "
                                  "these; counts and samples; saves nothing.")
    async def preview_segment_change(self, info: Info, id: strawberry.ID, criteria: JSON | None = UNSET,
                                     query: str | None = UNSET, sample_size: int = 10) -> SegmentChangePreview:
        body: dict = {"sampleSize": sample_size}
        if criteria is not UNSET:
            body["criteria"] = criteria
        if query is not UNSET:
            body["query"] = query
        found = await info.context.clients.segments.preview_change(id, body)
        moves = {key: SegmentMove(count=found[key]["count"],
                                  sample=[Customer.from_json(c) for c in found[key]["sample"]])
                 for key in ("joining", "leaving")}
        return SegmentChangePreview(criteria=found["criteria"], query=found["query"], count=found["count"],
                                    current_count=found["currentCount"], staying=found["staying"], **moves)

    @strawberry.field
    async def segment_job(self, info: Info, id: strawberry.ID) -> SegmentJob:
        return SegmentJob.from_json(await info.context.clients.segments.job(id))
