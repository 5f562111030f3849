"""The segment query language: every criterion parses, prints back and converts to the structured form; each kind
of error names its position and what was expected."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from services.customers.segments.domain.ast import And, Cond, Not, Or
from services.customers.segments.domain.criteria import from_ast, parse_criteria
from services.customers.segments.domain.language import parse_query
from services.customers.segments.domain.lexer import QuerySyntaxError
from services.customers.segments.domain.printer import to_text

# (canonical query, its structured form): one line per criterion kind, then groups.
CASES = [
    ("total_spent >= 500", {"totalSpent": {"min": 500}}),
    ("total_spent >= 100.5 AND total_spent <= 900.25", {"totalSpent": {"min": 100.5, "max": 900.25}}),
    ("total_orders >= 2 AND total_orders <= 10", {"totalOrders": {"min": 2, "max": 10}}),
    ("last_purchase < 2026-01-01", {"lastPurchaseDate": {"before": "2026-01-01T00:00:00Z"}}),
    ("last_purchase >= 2025-06-01T12:30:00Z", {"lastPurchaseDate": {"after": "2025-06-01T12:30:00Z"}}),
    ("last_purchase >= -30d", {"lastPurchaseDate": {"withinDays": 30}}),
    ("last_purchase < -90d", {"lastPurchaseDate": {"notWithinDays": 90}}),
    ("registration_date >= -30d", {"registrationDate": {"withinDays": 30}}),
    ("registration_date < 2024-01-01", {"registrationDate": {"before": "2024-01-01T00:00:00Z"}}),
    ("loyalty_tier IN (gold, platinum)", {"loyaltyTier": ["gold", "platinum"]}),
    ("status IN (active)", {"status": ["active"]}),
    ("gender IN (female, other)", {"gender": ["female", "other"]}),
    ('tags HAS "vip"', {"tags": {"any": ["vip"]}}),
    ('tags HAS ANY ("vip", "newsletter")', {"tags": {"any": ["vip", "newsletter"]}}),
    ('tags HAS ALL ("vip", "newsletter")', {"tags": {"all": ["vip", "newsletter"]}}),
    ('tags HAS NONE ("churned")', {"tags": {"none": ["churned"]}}),
    ('sizes HAS ANY ("M", "L")', {"preferences": {"sizes": {"any": ["M", "L"]}}}),
    ('colors HAS "black"', {"preferences": {"colors": {"any": ["black"]}}}),
    ('brands HAS ALL ("Joantees")', {"preferences": {"brands": {"all": ["Joantees"]}}}),
    ('categories HAS NONE ("shoes")', {"preferences": {"categories": {"none": ["shoes"]}}}),
    ("email_opt_in = true AND sms_opt_in = false AND push_opt_in = true",
     {"communication": {"email": True, "sms": False, "push": True}}),
    ('total_spent >= 500 AND loyalty_tier IN (gold, platinum) AND last_purchase < -90d AND tags HAS "vip"',
     {"totalSpent": {"min": 500}, "loyaltyTier": ["gold", "platinum"], "lastPurchaseDate": {"notWithinDays": 90},
      "tags": {"any": ["vip"]}}),
    ("status IN (active) AND (total_orders >= 5 OR total_spent >= 1000)",
     {"status": ["active"], "or": [{"totalOrders": {"min": 5}}, {"totalSpent": {"min": 1000}}]}),
    ('NOT tags HAS "vip"', {"not": {"tags": {"any": ["vip"]}}}),
    ("NOT (status IN (suspended) OR total_orders <= 0)",
     {"not": {"or": [{"status": ["suspended"]}, {"totalOrders": {"max": 0}}]}}),
    ("total_orders >= 1 AND (gender IN (male) OR NOT (loyalty_tier IN (bronze) AND email_opt_in = true))",
     {"totalOrders": {"min": 1}, "or": [{"gender": ["male"]},
                                        {"not": {"loyaltyTier": ["bronze"], "communication": {"email": True}}}]}),
]


@pytest.mark.parametrize("text,structured", CASES)
def test_text_and_structure_convert_into_each_other(text, structured):
    node = parse_query(text)
    assert from_ast(node) == structured
    assert to_text(parse_criteria(structured)) == text
    assert parse_query(to_text(node)) == node


def test_the_issue_example_parses_to_the_expected_tree():
    node = parse_query('total_spent >= 500 AND loyalty_tier IN (gold, platinum) AND last_purchase < -90d '
                       'AND tags HAS "vip"')
    assert node == And((Cond("totalSpent", "min", Decimal("500")), Cond("loyaltyTier", "in", ("gold", "platinum")),
                        Cond("lastPurchaseDate", "notWithinDays", 90), Cond("tags", "any", ("vip",))))


def test_keywords_are_case_insensitive_and_precedence_is_and_over_or():
    node = parse_query("status = active or total_orders >= 1 and NOT gender = male")
    assert node == Or((Cond("status", "in", ("active",)),
                       And((Cond("totalOrders", "min", 1), Not(Cond("gender", "in", ("male",)))))))


def test_strict_and_equal_comparisons_become_inclusive_bounds():
    assert from_ast(parse_query("total_spent > 500")) == {"totalSpent": {"min": 500.01}}
    assert from_ast(parse_query("total_orders < 3")) == {"totalOrders": {"max": 2}}
    assert from_ast(parse_query("total_orders = 3")) == {"totalOrders": {"min": 3, "max": 3}}
    assert from_ast(parse_query("last_purchase > -7d")) == {"lastPurchaseDate": {"withinDays": 7}}


def test_accepted_spellings_and_values():
    node = parse_query('order_count >= 2 AND tier = GOLD AND tags HAS VIP AND registered < 2025-01-31T10:00:00+02:00')
    assert node == And((Cond("totalOrders", "min", 2), Cond("loyaltyTier", "in", ("gold",)),
                        Cond("tags", "any", ("vip",)),
                        Cond("registrationDate", "before", datetime(2025, 1, 31, 8, tzinfo=timezone.utc))))
    assert to_text(parse_query('tags HAS "say \\"hi\\""')) == 'tags HAS "say \\"hi\\""'


ERRORS = [
    ("", 1, "a condition"),
    ("   ", 1, "a condition"),
    ("foo >= 1", 1, "a field name"),
    ("total_spent", 12, "one of >=, >, <=, <, ="),
    ("total_spent >= ", 16, "an amount"),
    ("total_spent >= abc", 16, "an amount"),
    ("total_spent >= 10.555", 16, "an amount"),
    ("total_spent >= -5", 16, "an amount"),
    ("total_orders >= 1.5", 17, "a whole number"),
    ("total_orders < 0", 16, "a bound above 0"),
    ("last_purchase = -90d", 15, "one of >=, >, <=, <"),
    ("last_purchase < soon", 17, "a date"),
    ("last_purchase < 2026-13-01", 17, "a date"),
    ("loyalty_tier IN (gold, diamond)", 24, "bronze | silver | gold | platinum"),
    ("loyalty_tier IN gold", 17, "'('"),
    ("loyalty_tier IN (gold platinum)", 23, "',' or ')'"),
    ("status HAS active", 8, "IN (...) or ="),
    ("tags = vip", 6, "HAS"),
    ('tags HAS "vip', 10, 'a closing "'),
    ("tags HAS ()", 10, "a tags value"),
    ("email_opt_in = maybe", 16, "true or false"),
    ("(status = active", 17, "')'"),
    ("status = active AND", 20, "a field name"),
    ("status = active total_orders >= 1", 17, "AND, OR or end of query"),
    ("total_spent >= 5 # comment", 18, "a field, value, operator or parenthesis"),
    ("NOT", 4, "a field name"),
]


@pytest.mark.parametrize("text,position,expected", ERRORS)
def test_errors_name_the_position_and_what_was_expected(text, position, expected):
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(text)
    assert caught.value.position == position, str(caught.value)
    assert expected in caught.value.expected, str(caught.value)
    assert str(caught.value).startswith(f"at position {position}: ")


def test_unknown_field_message_lists_the_known_fields():
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query("total_spend >= 5")
    assert "unknown field 'total_spend'" in str(caught.value) and "total_spent" in str(caught.value)
