"""The segment AST: conditions on known customer fields, combined with AND, OR and NOT."""
from dataclasses import dataclass
from typing import Any, Union

# What a field holds decides which operators it takes:
#   money/count: min, max (inclusive) · date: before (<), after (>=), withinDays, notWithinDays
#   choice: in · list: any, all, none · flag: is
OPERATORS = {
    "money": ("min", "max"), "count": ("min", "max"),
    "date": ("before", "after", "withinDays", "notWithinDays"),
    "choice": ("in",), "list": ("any", "all", "none"), "flag": ("is",),
}


@dataclass(frozen=True)
class FieldSpec:
    key: str                # structured name: "totalSpent", "preferences.sizes", "communication.email"
    text: str               # query-language name: "total_spent"
    kind: str
    path: str               # where the customer document keeps it
    choices: tuple[str, ...] = ()
    lower: bool = False     # values are compared lower-cased (tags are stored that way)


TIERS = ("bronze", "silver", "gold", "platinum")
STATUSES = ("active", "inactive", "suspended")
GENDERS = ("male", "female", "other")

FIELDS: dict[str, FieldSpec] = {f.key: f for f in (
    FieldSpec("totalSpent", "total_spent", "money", "totalSpentMinor"),
    FieldSpec("totalOrders", "total_orders", "count", "totalOrders"),
    FieldSpec("lastPurchaseDate", "last_purchase", "date", "lastPurchaseDate"),
    FieldSpec("registrationDate", "registration_date", "date", "registrationDate"),
    FieldSpec("loyaltyTier", "loyalty_tier", "choice", "loyaltyTier", TIERS),
    FieldSpec("status", "status", "choice", "status", STATUSES),
    FieldSpec("gender", "gender", "choice", "gender", GENDERS),
    FieldSpec("tags", "tags", "list", "tags", lower=True),
    FieldSpec("preferences.sizes", "sizes", "list", "preferences.sizes"),
    FieldSpec("preferences.colors", "colors", "list", "preferences.colors"),
    FieldSpec("preferences.brands", "brands", "list", "preferences.brands"),
    FieldSpec("preferences.categories", "categories", "list", "preferences.categories"),
    FieldSpec("communication.email", "email_opt_in", "flag", "communication.email"),
    FieldSpec("communication.sms", "sms_opt_in", "flag", "communication.sms"),
    FieldSpec("communication.push", "push_opt_in", "flag", "communication.push"),
)}
BY_TEXT: dict[str, FieldSpec] = {f.text: f for f in FIELDS.values()}
# Accepted spellings in the language besides the canonical ones.
BY_TEXT.update({"order_count": FIELDS["totalOrders"], "last_purchase_date": FIELDS["lastPurchaseDate"],
                "registered": FIELDS["registrationDate"], "tier": FIELDS["loyaltyTier"]})


@dataclass(frozen=True)
class Cond:
    field: str   # a FIELDS key
    op: str
    value: Any   # Decimal (money) | int | datetime | tuple[str, ...] | bool


@dataclass(frozen=True)
class And:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    child: "Node"


Node = Union[Cond, And, Or, Not]


def conditions(node: Node):
    """Every condition in the tree."""
    if isinstance(node, Cond):
        yield node
    elif isinstance(node, Not):
        yield from conditions(node.child)
    else:
        for child in node.children:
            yield from conditions(child)


def is_time_based(node: Node) -> bool:
    """True when membership can change by the clock alone (relative dates)."""
    return any(c.op in ("withinDays", "notWithinDays") for c in conditions(node))


def simplify(node: Node) -> Node:
    """Flattens nested groups of the same kind and unwraps one-child groups, so equal meanings print alike."""
    if isinstance(node, Not):
        return Not(simplify(node.child))
    if isinstance(node, Cond):
        return node
    kind = type(node)
    flat: list[Node] = []
    for child in (simplify(c) for c in node.children):
        flat.extend(child.children if isinstance(child, kind) else (child,))
    if len(flat) == 1:
        return flat[0]
    return kind(tuple(flat))
