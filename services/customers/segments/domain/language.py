"""The segment query language: a recursive-descent parser from text to the segment AST.

    query     := or_expr
    or_expr   := and_expr ("OR" and_expr)*
    and_expr  := unary ("AND" unary)*
    unary     := "NOT" unary | "(" or_expr ")" | condition
    condition := money_field  (">=" | ">" | "<=" | "<" | "=") number
               | count_field  (">=" | ">" | "<=" | "<" | "=") integer
               | ratio_field  (">=" | ">" | "<=" | "<" | "=") number from 0 to 1    e.g. churn_risk > 0.7
               | date_field   (">=" | ">" | "<=" | "<") (date | relative_days | "now")   e.g. 2026-01-31, -90d
               | choice_field ("IN" "(" value ("," value)* ")" | "=" value)
               | list_field   "HAS" (value | ("ANY" | "ALL" | "NONE") "(" value ("," value)* ")")
               | flag_field   "=" ("true" | "false")
"""
from datetime import datetime, timezone
from decimal import Decimal
from functools import lru_cache

from services.customers.segments.domain.ast import BY_TEXT, And, Cond, FieldSpec, Node, Not, Or, simplify
from services.customers.segments.domain.lexer import QuerySyntaxError, Token, tokenize

MAX_LENGTH = 4000
MAX_MONEY = Decimal("10000000")
_NUMERIC_OPS = (">=", ">", "<=", "<", "=")
_DATE_OPS = (">=", ">", "<=", "<")


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, expected: str, token: Token | None = None) -> QuerySyntaxError:
        token = token or self.current
        return QuerySyntaxError(token.position, f"expected {expected}, found {token.describe()}", expected)

    def keyword(self, word: str) -> bool:
        if self.current.kind == "KEYWORD" and self.current.text == word:
            self.index += 1
            return True
        return False

    def expect(self, kind: str, expected: str) -> Token:
        if self.current.kind != kind:
            raise self.fail(expected)
        return self.take()

    def parse(self) -> Node:
        node = self.or_expr()
        if self.current.kind != "END":
            raise self.fail("AND, OR or end of query")
        return simplify(node)

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.keyword("OR"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.unary()]
        while self.keyword("AND"):
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node:
        if self.keyword("NOT"):
            return Not(self.unary())
        if self.current.kind == "LPAREN":
            self.take()
            node = self.or_expr()
            self.expect("RPAREN", "')'")
            return node
        return self.condition()

    def condition(self) -> Node:
        token = self.current
        if token.kind != "WORD":
            raise self.fail("a field name such as total_spent, loyalty_tier or tags")
        spec = BY_TEXT.get(token.text.lower())
        if spec is None:
            known = ", ".join(sorted({s.text for s in BY_TEXT.values()}))
            raise QuerySyntaxError(token.position, f"unknown field '{token.text}'; known fields: {known}",
                                   "a field name")
        self.take()
        return getattr(self, f"_{spec.kind}")(spec)

    def _operator(self, spec: FieldSpec, allowed: tuple[str, ...]) -> Token:
        token = self.current
        if token.kind != "OP" or token.text not in allowed:
            raise self.fail(f"one of {', '.join(allowed)} after {spec.text}")
        return self.take()

    def _money(self, spec: FieldSpec) -> Node:
        op = self._operator(spec, _NUMERIC_OPS)
        token = self.expect("NUMBER", f"an amount after {op.text}")
        amount = Decimal(token.text)
        if amount < 0 or amount > MAX_MONEY or amount != amount.quantize(Decimal("0.01")):
            raise QuerySyntaxError(token.position, f"{spec.text} takes an amount from 0 to {MAX_MONEY} "
                                   "with at most 2 decimals", "an amount")
        return _bounds(spec, op.text, amount, Decimal("0.01"), token.position)

    def _count(self, spec: FieldSpec) -> Node:
        op = self._operator(spec, _NUMERIC_OPS)
        token = self.expect("NUMBER", f"a whole number after {op.text}")
        try:
            count = int(token.text)
        except ValueError:
            raise QuerySyntaxError(token.position, f"{spec.text} takes a whole number, found '{token.text}'",
                                   "a whole number") from None
        if count < 0:
            raise QuerySyntaxError(token.position, f"{spec.text} cannot be negative", "a whole number")
        if spec.bounds and not spec.bounds[0] <= count <= spec.bounds[1]:
            low, high = spec.bounds
            raise QuerySyntaxError(token.position, f"{spec.text} is from {low} to {high}, found {count}",
                                   f"a whole number from {low} to {high}")
        return _bounds(spec, op.text, count, 1, token.position)

    def _ratio(self, spec: FieldSpec) -> Node:
        op = self._operator(spec, _NUMERIC_OPS)
        token = self.expect("NUMBER", f"a number from 0 to 1 after {op.text}")
        value = float(token.text)
        if not 0 <= value <= 1:
            raise QuerySyntaxError(token.position, f"{spec.text} is a probability from 0 to 1, found {token.text}",
                                   "a number from 0 to 1")
        # Floats have no next step, so strict comparisons stay strict (gt/lt) instead of becoming min/max.
        if op.text == "=":
            return And((Cond(spec.key, "min", value), Cond(spec.key, "max", value)))
        return Cond(spec.key, {">=": "min", "<=": "max", ">": "gt", "<": "lt"}[op.text], value)

    def _date(self, spec: FieldSpec) -> Node:
        op = self._operator(spec, _DATE_OPS)
        token = self.current
        later = op.text in (">=", ">")
        if token.kind == "RELDATE":
            self.take()
            days = int(token.text[1:-1])
            if not 1 <= days <= 36500:
                raise QuerySyntaxError(token.position, "relative days must be from 1 to 36500", "-<days>d")
            return Cond(spec.key, "withinDays" if later else "notWithinDays", days)
        if token.kind == "WORD" and token.text.lower() == "now":
            self.take()  # `now` is the relative date of 0 days: expected_next_order_at < now = overdue
            return Cond(spec.key, "withinDays" if later else "notWithinDays", 0)
        if token.kind == "DATE":
            self.take()
            return Cond(spec.key, "after" if later else "before", _parse_date(token))
        raise self.fail(f"a date (2026-01-31), relative days (-90d) or now after {op.text}")

    def _values(self, spec: FieldSpec) -> tuple[str, ...]:
        self.expect("LPAREN", f"'(' and a list of {spec.text} values")
        values = [self._value(spec)]
        while self.current.kind == "COMMA":
            self.take()
            values.append(self._value(spec))
        self.expect("RPAREN", "',' or ')'")
        return tuple(dict.fromkeys(values))

    def _value(self, spec: FieldSpec) -> str:
        token = self.current
        if token.kind == "STRING":
            raw = token.value
        elif token.kind in ("WORD", "NUMBER"):
            raw = token.text
        else:
            raise self.fail(f"a {spec.text} value")
        self.take()
        value = raw.strip().lower() if spec.lower or spec.choices else raw.strip()
        if spec.choices:  # any capitalisation is accepted; the value is kept as the field stores it ("At risk")
            canonical = {c.lower(): c for c in spec.choices}.get(value)
            if canonical is None:
                raise QuerySyntaxError(token.position, f"'{raw}' is not a {spec.text}; expected one of "
                                       f"{', '.join(spec.choices)}", " | ".join(spec.choices))
            value = canonical
        if not value or len(value) > 60:
            raise QuerySyntaxError(token.position, "values are 1 to 60 characters", "a value")
        return value

    def _choice(self, spec: FieldSpec) -> Node:
        if self.keyword("IN"):
            return Cond(spec.key, "in", self._values(spec))
        if self.current.kind == "OP" and self.current.text == "=":
            self.take()
            return Cond(spec.key, "in", (self._value(spec),))
        raise self.fail(f"IN (...) or = after {spec.text}")

    def _list(self, spec: FieldSpec) -> Node:
        if not self.keyword("HAS"):
            raise self.fail(f"HAS after {spec.text}")
        for word, op in (("ANY", "any"), ("ALL", "all"), ("NONE", "none")):
            if self.keyword(word):
                return Cond(spec.key, op, self._values(spec))
        return Cond(spec.key, "any", (self._value(spec),))

    def _flag(self, spec: FieldSpec) -> Node:
        self._operator(spec, ("=",))
        token = self.current
        if token.kind != "WORD" or token.text.lower() not in ("true", "false"):
            raise self.fail(f"true or false after {spec.text} =")
        self.take()
        return Cond(spec.key, "is", token.text.lower() == "true")


def _bounds(spec: FieldSpec, op: str, value, step, position: int) -> Node:
    # Strict bounds become inclusive ones a step (one cent, one order) further, as the structured form has min/max.
    if op == "=":
        return And((Cond(spec.key, "min", value), Cond(spec.key, "max", value)))
    if op == ">":
        return Cond(spec.key, "min", value + step)
    if op == "<":
        if value - step < 0:
            raise QuerySyntaxError(position, f"{spec.text} < {value} can never hold", "a bound above 0")
        return Cond(spec.key, "max", value - step)
    return Cond(spec.key, "min" if op == ">=" else "max", value)


def _parse_date(token: Token) -> datetime:
    try:
        value = datetime.fromisoformat(token.text.replace("Z", "+00:00"))
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01T00:00+01:00 is before year 1 in UTC
        raise QuerySyntaxError(token.position, f"'{token.text}' is not a valid date", "a date") from None


@lru_cache(maxsize=512)
def parse_query(text: str) -> Node:
    """Text -> AST; raises QuerySyntaxError naming the position and what was expected."""
    if not text or not text.strip():
        raise QuerySyntaxError(1, "the query is empty", "a condition such as total_spent >= 500")
    if len(text) > MAX_LENGTH:
        raise QuerySyntaxError(MAX_LENGTH + 1, f"the query is longer than {MAX_LENGTH} characters", "a shorter query")
    return _Parser(text).parse()
