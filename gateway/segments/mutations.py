"""Segment mutations: createSegment, updateSegment, deleteSegment, startSegmentBulkAction."""
import strawberry
from strawberry.types import Info

from gateway.customers.mutations import DeletePayload
from gateway.inputs import to_json
from gateway.segments.inputs import SegmentBulkActionInput, SegmentInput, SegmentUpdateInput
from gateway.segments.types import Segment, SegmentJob


@strawberry.type
class SegmentMutations:
    @strawberry.mutation
    async def create_segment(self, info: Info, input: SegmentInput) -> Segment:
        ctx = info.context
        return Segment.from_json(await ctx.clients.segments.create(to_json(input), ctx.forward_headers))

    @strawberry.mutation(description="Edits name, description or criteria (pre-built thresholds too); id or slug.")
    async def update_segment(self, info: Info, id: strawberry.ID, input: SegmentUpdateInput) -> Segment:
        ctx = info.context
        return Segment.from_json(await ctx.clients.segments.update(id, to_json(input), ctx.forward_headers))

    @strawberry.mutation
    async def delete_segment(self, info: Info, id: strawberry.ID) -> DeletePayload:
        await info.context.clients.segments.delete(id, info.context.forward_headers)
        return DeletePayload(id=id, deleted=True)

    @strawberry.mutation(description="Queues a bulk action on the segment's members; poll segmentJob for progress.")
    async def start_segment_bulk_action(self, info: Info, segment_id: strawberry.ID,
                                        input: SegmentBulkActionInput) -> SegmentJob:
        ctx = info.context
        body = {key: value for key, value in to_json(input).items() if value is not None}
        return SegmentJob.from_json(await ctx.clients.segments.start_bulk_action(segment_id, body,
                                                                                  ctx.forward_headers))
