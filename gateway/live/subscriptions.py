"""Subscriptions: a customer's activity as it is recorded, and segment counts as members enter and leave."""
import asyncio
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from gateway.customers.types import Activity
from gateway.live.feed import LiveFeed

COALESCE_SECONDS = 0.2  # membership changes arriving together give one count update per segment


@strawberry.type
class SegmentCountChange:
    segment_id: strawberry.ID
    slug: str
    customer_count: int
    entered: int = strawberry.field(description="customers who entered since the previous update")
    left: int


def _feed(info: Info) -> LiveFeed:
    feed = info.context.live
    if feed is None:
        raise GraphQLError("live updates are turned off on this gateway", extensions={"code": "UNAVAILABLE"})
    return feed


@strawberry.type
class LiveSubscriptions:
    @strawberry.subscription(description="Timeline entries of one customer as they are recorded (orders, points, "
                                         "messages, profile changes...).")
    async def customer_activity(self, info: Info, customer_id: strawberry.ID) -> AsyncGenerator[Activity, None]:
        feed = _feed(info)
        await info.context.loaders.customer_by_id.load(str(customer_id))  # NOT_FOUND for an unknown customer
        async with feed.listen("customer.activity.recorded") as queue:
            while True:
                data = (await queue.get())["data"]
                if data["customerId"] == customer_id:
                    yield Activity(id=data["activityId"], type=data["kind"], summary=data["summary"],
                                   occurred_at=datetime.fromisoformat(data["occurredAt"]), data=data.get("data") or {})

    @strawberry.subscription(description="A segment's member count whenever customers enter or leave it; "
                                         "all segments when segmentId (id or slug) is not given.")
    async def segment_counts(self, info: Info, segment_id: strawberry.ID | None = None
                             ) -> AsyncGenerator[SegmentCountChange, None]:
        feed = _feed(info)
        segments = info.context.clients.segments
        if segment_id is not None:
            segment_id = (await segments.get(str(segment_id)))["id"]  # NOT_FOUND for an unknown segment
        async with feed.listen("segment.membership.changed") as queue:
            while True:
                changes = [(await queue.get())["data"]]
                await asyncio.sleep(COALESCE_SECONDS)
                while not queue.empty():
                    changes.append(queue.get_nowait()["data"])
                for changed_id, (entered, left) in _tally(changes, segment_id).items():
                    segment = await segments.get(changed_id)
                    yield SegmentCountChange(segment_id=changed_id, slug=segment["slug"],
                                             customer_count=segment["customerCount"], entered=entered, left=left)


def _tally(changes: list[dict], only: str | None) -> dict[str, tuple[int, int]]:
    counts: dict[str, tuple[int, int]] = {}
    for change in changes:
        if only is not None and change["segmentId"] != only:
            continue
        entered, left = counts.get(change["segmentId"], (0, 0))
        counts[change["segmentId"]] = (entered + (change["change"] == "entered"), left + (change["change"] == "left"))
    return counts
