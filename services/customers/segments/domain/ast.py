"""The segment AST: conditions on known customer fields, combined with AND, OR and NOT."""
from dataclasses import dataclass
from typing import Any, Union

# What a field holds decides which operators it takes:
#   money/count: min, max (inclusive) · ratio (0..1 floats): min, max, gt, lt
#   date: before (<), after (>=), withinDays, notWithinDays (relative to now; 0 days = now itself)
#   choice: in · list: any, all, none · flag: is
OPERATORS = {
    "money": ("min", "max"), "count": ("min", "max"), "ratio": ("min", "max", "gt", "lt"),
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
    bounds: tuple[int, int] | None = None  # the values a count field can take (RFM scores)


TIERS = ("bronze", "silver", "gold", "platinum")
STATUSES = ("active", "inactive", "suspended")
GENDERS = ("male", "female", "other")
# The named RFM groups as the insights store them on the customer (insights.rfm.group), docs/insights.md.
RFM_GROUPS = ("Champions", "Loyal", "Potential loyalists", "New", "Promising", "Need attention", "About to sleep",
              "At risk", "Cannot lose them", "Hibernating", "Lost")

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
    # Customer insights (written by services/customers/insights); a customer not scored yet has no `insights`,
    # so no condition on them holds (NOT of one does, as for any missing field).
    FieldSpec("rfmGroup", "rfm_group", "choice", "insights.rfm.group", RFM_GROUPS),
    FieldSpec("rfmScore", "rfm_score", "count", "insights.rfm.score", bounds=(111, 555)),
    FieldSpec("rfmRecency", "rfm_recency", "count", "insights.rfm.recency", bounds=(1, 5)),
    FieldSpec("rfmFrequency", "rfm_frequency", "count", "insights.rfm.frequency", bounds=(1, 5)),
    FieldSpec("rfmMonetary", "rfm_monetary", "count", "insights.rfm.monetary", bounds=(1, 5)),
    FieldSpec("churnRisk", "churn_risk", "ratio", "insights.churnRisk"),
    FieldSpec("pAlive", "p_alive", "ratio", "insights.pAlive"),
    FieldSpec("predictedClv", "predicted_clv", "money", "insights.predictedClvMinor"),
    FieldSpec("historicClv", "historic_clv", "money", "insights.historicClvMinor"),
    FieldSpec("expectedNextOrderAt", "expected_next_order_at", "date", "insights.expectedNextOrderAt"),
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


RELATIVE_OPS = ("withinDays", "notWithinDays")


def is_time_based(node: Node) -> bool:
    """True when membership can change by the clock alone (relative dates)."""
    return any(c.op in RELATIVE_OPS for c in conditions(node))


def reads_insights(node: Node) -> bool:
    """True when the criteria read customer insights, which the insights wing rewrites outside customer changes."""
    return any(FIELDS[c.field].path.startswith("insights.") for c in conditions(node))


def relative_conditions(node: Node) -> list[Cond]:
    """The conditions relative to now, each once (their boundaries move with the clock)."""
    return list(dict.fromkeys(c for c in conditions(node) if c.op in RELATIVE_OPS))


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
