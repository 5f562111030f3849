"""Segment explanations, deciding clauses and boundaries in memory (docs/segments.md: Explain, Membership history,
Exact time-based segments)."""
from datetime import datetime, timedelta, timezone

import pytest

from services.customers.segments.domain.explain import deciding, explain
from services.customers.segments.domain.language import parse_query
from services.customers.segments.domain.timing import TICK, boundaries, last_crossing, window_filter

NOW = datetime(2026, 5, 17, 12, 0, tzinfo=timezone.utc)


def customer(**fields) -> dict:
    base = {"_id": "c", "status": "active", "totalSpentMinor": 61_250, "totalOrders": 3, "tags": ["vip"],
            "loyaltyTier": "gold", "lastPurchaseDate": NOW - timedelta(days=100),
            "registrationDate": NOW - timedelta(days=10)}
    return {**base, **fields}


@pytest.mark.parametrize("query, doc, expected", [
    # In: every condition of an AND, the first branch of an OR that holds.
    ('tags HAS "vip" AND total_orders >= 2', customer(), ['tags HAS "vip"', "total_orders >= 2"]),
    ("loyalty_tier = silver OR total_spent >= 500 OR total_orders >= 1", customer(), ["total_spent >= 500"]),
    # Out: the first failing condition of an AND in written order; every branch of an OR.
    ('total_orders >= 5 AND tags HAS "x" AND status = active', customer(), ["total_orders >= 5"]),
    ("total_orders >= 5 OR total_spent >= 1000", customer(), ["total_orders >= 5", "total_spent >= 1000"]),
    # A NOT is one clause; nested groups follow the same rules.
    ('NOT tags HAS "vip"', customer(), ['NOT tags HAS "vip"']),
    ('status = active AND (total_orders >= 5 OR NOT tags HAS "vip")', customer(),
     ["total_orders >= 5", 'NOT tags HAS "vip"']),
    ("total_orders >= 1", None, []),                              # deleted
    ("total_orders >= 1", customer(status="erased"), []),         # erased
])
def test_the_deciding_clauses(query, doc, expected):
    assert deciding(parse_query(query), doc, NOW) == expected


def test_explain_gives_values_in_the_units_they_are_written_in():
    result = explain(parse_query('total_spent >= 500 AND (last_purchase < -90d OR rfm_group = "At risk")'),
                     customer(), NOW)
    spent, group = result.clauses
    assert (spent.field, spent.operator, spent.expected, spent.actual, spent.holds) == ("total_spent", ">=", 500,
                                                                                         612.5, True)
    relative, rfm = group.clauses
    assert (relative.expected, relative.cutoff, relative.actual, relative.holds) == (
        "-90d", NOW - timedelta(days=90), NOW - timedelta(days=100), True)
    assert (rfm.actual, rfm.holds) == (None, False)  # not scored: no value, the condition does not hold
    assert (group.kind, group.holds, result.holds) == ("or", True, True)


def test_boundaries_and_the_crossing_in_a_window():
    node = parse_query("last_purchase < -90d AND registration_date >= -30d")
    doc = customer()
    purchase, registration = doc["lastPurchaseDate"] + timedelta(days=90), doc["registrationDate"] + timedelta(days=30)
    assert [(c.at, c.cond.field) for c in boundaries(node, doc)] == [(purchase, "lastPurchaseDate"),
                                                                     (registration, "registrationDate")]
    assert last_crossing(node, doc, purchase, registration).at == purchase
    assert last_crossing(node, doc, purchase + TICK, registration) is None  # [since, until)
    assert last_crossing(node, doc, NOW, registration + TICK).cond.field == "registrationDate"
    assert window_filter(parse_query("last_purchase >= -90d"), NOW, NOW + timedelta(hours=1)) == {
        "lastPurchaseDate": {"$gte": NOW - timedelta(days=90), "$lt": NOW - timedelta(days=90, hours=-1)}}
    assert boundaries(node, customer(lastPurchaseDate=None))[0].cond.field == "registrationDate"
