"""Input types for segment mutations; criteria travel as JSON exactly as the REST API takes them."""
from enum import Enum

import strawberry
from strawberry import UNSET
from strawberry.scalars import JSON

from gateway.customers.enums import CustomerStatus


@strawberry.input
class SegmentInput:
    name: str
    description: str | None = UNSET
    slug: str | None = strawberry.field(default=UNSET, description="stable name; defaults to the name in snake_case")
    criteria: JSON | None = strawberry.field(default=UNSET, description='e.g. { totalSpent: { min: 500 } }')
    query: str | None = strawberry.field(default=UNSET, description='e.g. total_spent >= 500 AND tags HAS "vip"')


@strawberry.input
class SegmentUpdateInput:
    name: str | None = UNSET
    description: str | None = UNSET
    criteria: JSON | None = UNSET
    query: str | None = UNSET


@strawberry.enum
class SegmentBulkActionKind(Enum):
    add_tags = "add_tags"
    remove_tags = "remove_tags"
    set_status = "set_status"
    export_csv = "export_csv"
    award_points = "award_points"
    target_campaign = "target_campaign"


@strawberry.input
class SegmentBulkActionInput:
    action: SegmentBulkActionKind
    tags: list[str] | None = UNSET
    status: CustomerStatus | None = UNSET
    points: int | None = UNSET
    reason: str | None = UNSET
    campaign_id: strawberry.ID | None = UNSET
    idempotency_key: str | None = strawberry.field(default=UNSET, description="the same key starts the job once")
