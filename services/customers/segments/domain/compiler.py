"""Compiles the segment AST to a MongoDB filter over the customers collection.

Conditions of one AND merge into one document ({totalSpentMinor: {$gte, $lte}, tags: {$in}}) so the planner
sees plain field predicates it can serve from the single-field indexes the customers collection has.
"""
from datetime import datetime, timedelta

from services.customers.segments.domain.ast import FIELDS, Cond, Node, Not, Or
from shared.money import to_minor

# Fields the customers collection indexes (services/customers/store/customers.py); they lead each AND.
INDEXED_PATHS = ("totalSpentMinor", "totalOrders", "lastPurchaseDate", "registrationDate", "loyaltyTier", "tags",
                 "status")
_OPERATOR = {"min": "$gte", "max": "$lte", "before": "$lt", "after": "$gte", "withinDays": "$gte",
             "notWithinDays": "$lt", "gt": "$gt", "lt": "$lt", "in": "$in", "any": "$in", "all": "$all",
             "none": "$nin", "is": "$eq"}


def _cond(cond: Cond, now: datetime) -> dict:
    spec = FIELDS[cond.field]
    value = cond.value
    if spec.kind == "money":
        value = to_minor(value)
    elif cond.op in ("withinDays", "notWithinDays"):
        value = now - timedelta(days=value)
    elif isinstance(value, tuple):
        value = list(value)
    return {spec.path: {_OPERATOR[cond.op]: value}}


def _merge(parts: list[dict]) -> dict:
    merged: dict = {}
    extra: list[dict] = []
    for part in parts:
        for key, value in part.items():
            if key == "$and":
                extra.extend(value)
            elif key not in merged:
                merged[key] = value
            elif not key.startswith("$") and isinstance(value, dict) and not set(value) & set(merged[key]):
                merged[key] = {**merged[key], **value}
            else:
                extra.append({key: value})
    if extra:
        merged["$and"] = extra
    return dict(sorted(merged.items(), key=lambda item: item[0] not in INDEXED_PATHS))


def compile_filter(node: Node, now: datetime) -> dict:
    """AST -> Mongo filter; relative dates are fixed against `now`."""
    if isinstance(node, Cond):
        return _cond(node, now)
    if isinstance(node, Not):
        return {"$nor": [compile_filter(node.child, now)]}
    if isinstance(node, Or):
        return {"$or": [compile_filter(child, now) for child in node.children]}
    return _merge([compile_filter(child, now) for child in node.children])
