"""Segment events (owned by the customers service)."""
from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.events.envelope import Event

__all__ = ["SegmentMembershipChanged"]


class SegmentMembershipChanged(Event):
    """A customer entered or left a segment (by a change to the customer, a criteria edit or the clock)."""

    TYPE = "segment.membership.changed"
    segment_id: str = Field(alias="segmentId")
    segment_slug: str = Field(alias="segmentSlug")
    customer_id: str = Field(alias="customerId")
    change: Literal["entered", "left"]
    # When it took effect: for a change by the clock, the moment the customer crossed the boundary (e.g. 90 days
    # after the last purchase), which the envelope's occurredAt may trail by the timer's wake-up.
    at: datetime | None = None
    cause: Literal["customer", "recompute", "clock"] | None = None
