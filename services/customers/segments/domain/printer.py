"""Prints the segment AST as query-language text that parses back to the same AST."""
import re
from datetime import datetime, time, timezone
from decimal import Decimal

from services.customers.segments.domain.ast import FIELDS, And, Cond, Node, Not, Or, simplify
from services.customers.segments.domain.lexer import KEYWORDS

_BARE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LIST_OPS = {"any": "HAS ANY", "all": "HAS ALL", "none": "HAS NONE"}


def _number(value) -> str:
    if isinstance(value, float):  # 1e-05 would not lex as a number
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return str(value)


def _date(value: datetime) -> str:
    value = value.astimezone(timezone.utc)
    if value.timetz() == time(0, tzinfo=timezone.utc):
        return value.date().isoformat()
    return value.isoformat().replace("+00:00", "Z")


def _value(value: str, quoted: bool) -> str:
    if not quoted and _BARE.match(value) and value.upper() not in KEYWORDS and value.lower() not in ("true", "false"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _condition(cond: Cond) -> str:
    spec = FIELDS[cond.field]
    name = spec.text
    if cond.op == "min":
        return f"{name} >= {_number(cond.value)}"
    if cond.op == "max":
        return f"{name} <= {_number(cond.value)}"
    if cond.op == "after":
        return f"{name} >= {_date(cond.value)}"
    if cond.op == "before":
        return f"{name} < {_date(cond.value)}"
    if cond.op in ("withinDays", "notWithinDays"):
        when = f"-{cond.value}d" if cond.value else "now"
        return f"{name} {'>=' if cond.op == 'withinDays' else '<'} {when}"
    if cond.op == "gt":
        return f"{name} > {_number(cond.value)}"
    if cond.op == "lt":
        return f"{name} < {_number(cond.value)}"
    if cond.op == "is":
        return f"{name} = {'true' if cond.value else 'false'}"
    quoted = spec.kind == "list"
    values = ", ".join(_value(v, quoted) for v in cond.value)
    if cond.op == "in":
        return f"{name} IN ({values})"
    if cond.op == "any" and len(cond.value) == 1:
        return f"{name} HAS {values}"
    return f"{name} {_LIST_OPS[cond.op]} ({values})"


def _print(node: Node, parent: type | None) -> str:
    if isinstance(node, Cond):
        return _condition(node)
    if isinstance(node, Not):
        return "NOT " + _print(node.child, Not)
    if not node.children:
        return ""
    joiner = " AND " if isinstance(node, And) else " OR "
    text = joiner.join(_print(child, type(node)) for child in node.children)
    # AND binds tighter than OR; anything under NOT or a different group needs parentheses.
    needs_parens = parent is Not or (parent is And and isinstance(node, Or))
    return f"({text})" if needs_parens else text


def to_text(node: Node) -> str:
    """AST -> canonical query text ('' for no conditions, which matches every customer)."""
    return _print(simplify(node), None)
