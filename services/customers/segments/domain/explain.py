"""Why a customer is or is not in a segment: each clause of the criteria with the customer's value and whether it
holds, and which clauses decided an entry or an exit (recorded in the membership history)."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.customers.segments.domain.ast import FIELDS, RELATIVE_OPS, And, Cond, Node, Not
from services.customers.segments.domain.criteria import json_value
from services.customers.segments.domain.matcher import lookup, matches
from services.customers.segments.domain.printer import to_text
from shared.money import to_units

OPERATOR_TEXT = {"min": ">=", "max": "<=", "gt": ">", "lt": "<", "after": ">=", "before": "<", "withinDays": ">=",
                 "notWithinDays": "<", "in": "IN", "any": "HAS ANY", "all": "HAS ALL", "none": "HAS NONE", "is": "="}


@dataclass(frozen=True)
class ClauseResult:
    """One clause: a condition (field, operator, expected, actual) or a group (and, or, not) of clauses."""
    kind: str                 # condition | and | or | not
    text: str                 # the clause in the query language
    holds: bool
    field: str | None = None  # query-language field name
    operator: str | None = None
    expected: Any = None      # as written: an amount in currency units, a date, -90d, a list, true/false
    cutoff: datetime | None = None  # a relative date resolved against now
    actual: Any = None        # the customer's value, money in currency units; None when they have none
    clauses: tuple["ClauseResult", ...] = ()


def _actual(cond: Cond, doc: dict) -> Any:
    spec = FIELDS[cond.field]
    value = lookup(doc, spec.path)
    if value is None:
        return [] if spec.kind == "list" else None
    if spec.kind == "money" and isinstance(value, int) and not isinstance(value, bool):
        return to_units(value)
    return json_value(value) if not isinstance(value, datetime) else value


def explain(node: Node, doc: dict, now: datetime) -> ClauseResult:
    """The criteria tree evaluated for one customer at `now` (the same matcher membership uses)."""
    holds = matches(node, doc, now)
    if isinstance(node, Cond):
        spec = FIELDS[node.field]
        relative = node.op in RELATIVE_OPS
        expected = (f"-{node.value}d" if node.value else "now") if relative else json_value(node.value)
        return ClauseResult("condition", to_text(node), holds, field=spec.text, operator=OPERATOR_TEXT[node.op],
                            expected=expected, cutoff=now - timedelta(days=node.value) if relative else None,
                            actual=_actual(node, doc))
    if isinstance(node, Not):
        return ClauseResult("not", to_text(node), holds, clauses=(explain(node.child, doc, now),))
    kind = "and" if isinstance(node, And) else "or"
    return ClauseResult(kind, to_text(node) if node.children else "", holds,
                        clauses=tuple(explain(child, doc, now) for child in node.children))


def deciding(node: Node, doc: dict | None, now: datetime) -> list[str]:
    """The clauses that decide the customer's answer, as text.

    In: every condition of an AND, the first branch of an OR that holds. Out: the first condition of an AND that
    fails (in written order), each branch of an OR. A NOT is one clause as a whole. No clauses for a customer
    deleted or erased (nothing of theirs is evaluated)."""
    if doc is None or doc.get("status") == "erased":
        return []
    holds = matches(node, doc, now)
    if isinstance(node, (Cond, Not)):
        return [to_text(node)]
    if not node.children:
        return []
    if isinstance(node, And):
        if holds:
            return [text for child in node.children for text in deciding(child, doc, now)]
        return deciding(next(c for c in node.children if not matches(c, doc, now)), doc, now)
    if holds:
        return deciding(next(c for c in node.children if matches(c, doc, now)), doc, now)
    return [text for child in node.children for text in deciding(child, doc, now)]
