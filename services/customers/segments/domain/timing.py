"""When a customer's answer to a segment can change by the clock alone.

A relative condition `field >= -Nd` holds while now <= value + N days, `field < -Nd` once now > value + N days:
value + N days is the customer's boundary for it. At the boundary itself the old answer still holds; from the next
instant (one microsecond later, the finest a datetime tells apart) the new one does. The boundary is the moment
reported as when the customer entered or left.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from services.customers.segments.domain.ast import FIELDS, Cond, Node, relative_conditions
from services.customers.segments.domain.matcher import lookup

TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Crossing:
    """A customer crossing one condition's boundary: `at` the boundary, `cond` the condition crossed."""
    at: datetime
    cond: Cond

    @property
    def evaluate_at(self) -> datetime:
        return self.at + TICK


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def boundaries(node: Node, doc: dict | None) -> list[Crossing]:
    """Every boundary of the customer's relative conditions, earliest first (none without the date)."""
    found = []
    for cond in relative_conditions(node):
        value = lookup(doc or {}, FIELDS[cond.field].path)
        if isinstance(value, datetime):
            found.append(Crossing(_aware(value) + timedelta(days=cond.value), cond))
    return sorted(found, key=lambda c: c.at)


def last_crossing(node: Node, doc: dict | None, since: datetime, until: datetime) -> Crossing | None:
    """The latest boundary in [since, until): evaluated just after it, the customer's answer is the one at `until`
    (no other boundary of theirs lies in between)."""
    inside = [c for c in boundaries(node, doc) if since <= c.at < until]
    return inside[-1] if inside else None


def window_filter(node: Node, since: datetime, until: datetime) -> dict:
    """A Mongo filter for the customers with a boundary in [since, until)."""
    ranges = [{FIELDS[c.field].path: {"$gte": since - timedelta(days=c.value), "$lt": until - timedelta(days=c.value)}}
              for c in relative_conditions(node)]
    return ranges[0] if len(ranges) == 1 else {"$or": ranges}
