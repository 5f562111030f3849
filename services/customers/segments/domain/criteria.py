"""The structured form of segment criteria (camelCase JSON, amounts in currency units) and its AST conversion."""
from datetime import datetime, timezone
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PrivateAttr, model_validator

from services.customers.domain.fields import CustomerStatus, Gender, LoyaltyTier, Money, Tag
from services.customers.segments.domain.ast import FIELDS, RFM_GROUPS, And, Cond, Node, Not, Or, simplify
from shared.api import InputModel

MAX_DEPTH = 6
Value = Annotated[str, Field(min_length=1, max_length=60)]
Days = Annotated[int, Field(ge=0, le=36500)]  # 0: now itself (expectedNextOrderAt before now = overdue)
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Score = Annotated[int, Field(ge=111, le=555)]
Quintile = Annotated[int, Field(ge=1, le=5)]
Ratio = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


def canonical_group(value):
    """RFM group names are matched as stored ("At risk"); any capitalisation is accepted on the way in."""
    if isinstance(value, str):
        found = {g.lower(): g for g in RFM_GROUPS}.get(value.strip().lower())
        if found is None:
            raise ValueError(f"'{value}' is not an RFM group; expected one of {', '.join(RFM_GROUPS)}")
        return found
    return value


RfmGroup = Annotated[str, BeforeValidator(canonical_group)]


def _utc(value: datetime | None) -> datetime | None:
    # A date without a zone is read as UTC, the zone everything is stored in.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc) if value else value
    except OverflowError as exc:  # 0001-01-01T00:00+01:00 is before year 1 in UTC; pydantic reports ValueError
        raise ValueError("date out of range") from exc


UtcDate = Annotated[datetime, AfterValidator(_utc)]


class _Ordered(InputModel):
    """Remembers the order the keys were written in, so text and JSON convert without reordering conditions."""

    _order: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_order(cls, data, handler):
        model = handler(data)
        if isinstance(data, dict):
            model._order = list(data)
        return model

    def ordered_fields(self) -> list[tuple[str, str]]:
        """(python name, alias) of the fields, in written order first."""
        fields = [(name, info.alias or name) for name, info in type(self).model_fields.items()]
        rank = {key: i for i, key in enumerate(self._order)}
        return sorted(fields, key=lambda f: rank.get(f[1], rank.get(f[0], len(rank))))


class _Rule(_Ordered):
    @model_validator(mode="after")
    def _not_empty(self):
        if not self.model_fields_set or all(getattr(self, f) is None for f in self.model_fields_set):
            raise ValueError(f"give at least one of: {', '.join(self._names())}")
        return self

    @classmethod
    def _names(cls) -> list[str]:
        return [f.alias or name for name, f in cls.model_fields.items()]


class MoneyRange(_Rule):
    min: Money | None = None
    max: Money | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not be greater than max")
        return self


class CountRange(MoneyRange):
    min: Count | None = None
    max: Count | None = None


class ScoreRange(MoneyRange):
    min: Score | None = None
    max: Score | None = None


class QuintileRange(MoneyRange):
    min: Quintile | None = None
    max: Quintile | None = None


class RatioRange(MoneyRange):
    """A probability from 0 to 1; gt/lt are strict, as `churn_risk > 0.7` is written."""
    min: Ratio | None = None
    max: Ratio | None = None
    gt: Ratio | None = None
    lt: Ratio | None = None


class DateRule(_Rule):
    before: UtcDate | None = None
    after: UtcDate | None = None
    within_days: Days | None = Field(None, alias="withinDays")
    not_within_days: Days | None = Field(None, alias="notWithinDays")


class TagRule(_Rule):
    any: list[Tag] | None = Field(None, min_length=1, max_length=100)
    all: list[Tag] | None = Field(None, min_length=1, max_length=100)
    none: list[Tag] | None = Field(None, min_length=1, max_length=100)


class ValueRule(TagRule):
    any: list[Value] | None = Field(None, min_length=1, max_length=100)
    all: list[Value] | None = Field(None, min_length=1, max_length=100)
    none: list[Value] | None = Field(None, min_length=1, max_length=100)


class PreferenceRules(_Rule):
    sizes: ValueRule | None = None
    colors: ValueRule | None = None
    brands: ValueRule | None = None
    categories: ValueRule | None = None


class ChannelRules(_Rule):
    email: bool | None = None
    sms: bool | None = None
    push: bool | None = None


class Criteria(_Ordered):
    """All given conditions must hold; `and`, `or` and `not` nest further criteria."""

    total_spent: MoneyRange | None = Field(None, alias="totalSpent")
    total_orders: CountRange | None = Field(None, alias="totalOrders")
    last_purchase_date: DateRule | None = Field(None, alias="lastPurchaseDate")
    registration_date: DateRule | None = Field(None, alias="registrationDate")
    loyalty_tier: list[LoyaltyTier] | None = Field(None, alias="loyaltyTier", min_length=1)
    status: list[CustomerStatus] | None = Field(None, min_length=1)
    gender: list[Gender] | None = Field(None, min_length=1)
    tags: TagRule | None = None
    preferences: PreferenceRules | None = None
    communication: ChannelRules | None = None
    rfm_group: list[RfmGroup] | None = Field(None, alias="rfmGroup", min_length=1)
    rfm_score: ScoreRange | None = Field(None, alias="rfmScore")
    rfm_recency: QuintileRange | None = Field(None, alias="rfmRecency")
    rfm_frequency: QuintileRange | None = Field(None, alias="rfmFrequency")
    rfm_monetary: QuintileRange | None = Field(None, alias="rfmMonetary")
    churn_risk: RatioRange | None = Field(None, alias="churnRisk")
    p_alive: RatioRange | None = Field(None, alias="pAlive")
    predicted_clv: MoneyRange | None = Field(None, alias="predictedClv")
    historic_clv: MoneyRange | None = Field(None, alias="historicClv")
    expected_next_order_at: DateRule | None = Field(None, alias="expectedNextOrderAt")
    and_: list["Criteria"] | None = Field(None, alias="and", min_length=1, max_length=50)
    or_: list["Criteria"] | None = Field(None, alias="or", min_length=1, max_length=50)
    not_: "Criteria | None" = Field(None, alias="not")

    @model_validator(mode="after")
    def _bounded(self):
        if _depth(self) > MAX_DEPTH:
            raise ValueError(f"criteria nest at most {MAX_DEPTH} levels deep")
        # An empty nested criterion would print as `NOT ` or ` OR x`, text that can't be parsed back.
        if any(to_ast(child) == And(()) for child in _nested(self)):
            raise ValueError("each criterion under and, or and not needs at least one condition")
        return self


def _nested(c: Criteria) -> list[Criteria]:
    return [*(c.and_ or []), *(c.or_ or []), *([c.not_] if c.not_ else [])]


def _depth(c: Criteria) -> int:
    return 1 + max((_depth(n) for n in _nested(c)), default=0)


def _rule_conds(key: str, rule: "_Rule | None") -> list[Node]:
    if rule is None:
        return []
    out: list[Node] = []
    for name, alias in rule.ordered_fields():
        value = getattr(rule, name)
        if value is None:
            continue
        if isinstance(value, _Rule):
            out += _rule_conds(f"{key}.{alias}", value)
        elif key == "communication":
            out.append(Cond(f"communication.{alias}", "is", value))
        else:
            out.append(Cond(key, alias, tuple(dict.fromkeys(value)) if isinstance(value, list) else value))
    return out


def to_ast(c: Criteria) -> Node:
    parts: list[Node] = []
    for name, alias in c.ordered_fields():
        value = getattr(c, name)
        if value is None:
            continue
        if alias in ("loyaltyTier", "status", "gender", "rfmGroup"):
            parts.append(Cond(alias, "in", tuple(dict.fromkeys(value))))
        elif alias == "and":
            parts += [to_ast(child) for child in value]
        elif alias == "or":
            parts.append(Or(tuple(to_ast(child) for child in value)))
        elif alias == "not":
            parts.append(Not(to_ast(value)))
        else:
            parts += _rule_conds(alias, value)
    return simplify(And(tuple(parts)))


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, tuple):
        return list(value)
    return value


def _put(target: dict, cond: Cond) -> bool:
    """Places one condition into a criteria object; False if its slot is taken."""
    spec, value = FIELDS[cond.field], json_value(cond.value)
    head, _, tail = cond.field.partition(".")
    if spec.kind == "choice":
        if head in target:
            return False
        target[head] = value
        return True
    slot = target.setdefault(head, {})
    if tail and spec.kind == "list":
        slot = slot.setdefault(tail, {})
    key = tail if spec.kind == "flag" else cond.op
    if key in slot:
        return False
    slot[key] = value
    return True


def from_ast(node: Node) -> dict:
    """AST -> structured criteria (the JSON the API shows)."""
    node = simplify(node)
    if isinstance(node, Or):
        return {"or": [from_ast(child) for child in node.children]}
    if isinstance(node, Not):
        return {"not": from_ast(node.child)}
    children = node.children if isinstance(node, And) else (node,)
    out: dict = {}
    for child in children:
        if isinstance(child, Cond) and _put(out, child):
            continue
        if isinstance(child, Or) and "or" not in out:
            out["or"] = from_ast(child)["or"]
        elif isinstance(child, Not) and "not" not in out:
            out["not"] = from_ast(child.child)
        else:
            out.setdefault("and", []).append(from_ast(child))
    return out


def parse_criteria(data: dict) -> Node:
    return to_ast(Criteria.model_validate(data))
