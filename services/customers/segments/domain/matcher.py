"""Evaluates the segment AST against one customer document in memory, with Mongo's semantics for missing fields."""
from datetime import datetime, timedelta, timezone
from typing import Any

from services.customers.segments.domain.ast import FIELDS, And, Cond, Node, Not, Or
from shared.money import to_minor


def lookup(doc: dict, path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _cond(cond: Cond, doc: dict, now: datetime) -> bool:
    spec = FIELDS[cond.field]
    value = lookup(doc, spec.path)
    if spec.kind == "list":
        # An absent list has no elements: ANY and ALL fail, NONE holds (as $in, $all and $nin do).
        items = set(value if isinstance(value, list) else [] if value is None else [value])
        wanted = set(cond.value)
        if cond.op == "any":
            return bool(items & wanted)
        if cond.op == "all":
            return wanted <= items
        return not items & wanted
    if value is None:
        return False
    if spec.kind in ("money", "count", "ratio"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False  # Mongo compares numbers only with numbers
        bound = to_minor(cond.value) if spec.kind == "money" else cond.value
        return {"min": value >= bound, "max": value <= bound, "gt": value > bound, "lt": value < bound}[cond.op]
    if spec.kind == "date":
        if not isinstance(value, datetime):
            return False
        value = _aware(value)
        if cond.op == "before":
            return value < cond.value
        if cond.op == "after":
            return value >= cond.value
        cutoff = now - timedelta(days=cond.value)
        return value >= cutoff if cond.op == "withinDays" else value < cutoff
    if spec.kind == "choice":
        return value in cond.value
    return value is cond.value  # flag


def matches(node: Node, doc: dict | None, now: datetime) -> bool:
    if doc is None or doc.get("status") == "erased":  # an erased customer's tombstone belongs to no segment
        return False
    if isinstance(node, Cond):
        return _cond(node, doc, now)
    if isinstance(node, Not):
        return not matches(node.child, doc, now)
    if isinstance(node, And):
        return all(matches(child, doc, now) for child in node.children)
    if isinstance(node, Or):
        return any(matches(child, doc, now) for child in node.children)
    raise TypeError(f"not a segment node: {node!r}")
