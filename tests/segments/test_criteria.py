"""The structured criteria: what is accepted, what is refused with the field named, and the in-memory matcher."""
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from services.customers.segments.domain.ast import is_time_based
from services.customers.segments.domain.criteria import Criteria, from_ast, parse_criteria
from services.customers.segments.domain.matcher import matches

NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)


def customer(**fields) -> dict:
    doc = {"_id": "c1", "status": "active", "gender": "female", "loyaltyTier": "bronze", "tags": [],
           "totalSpentMinor": 0, "totalOrders": 0, "lastPurchaseDate": None,
           "registrationDate": NOW - timedelta(days=400),
           "preferences": {"sizes": ["M"], "colors": ["black"], "brands": [], "categories": []},
           "communication": {"email": True, "sms": False, "push": False}}
    doc.update(fields)
    return doc


def test_spec_example_amount_is_in_currency_units():
    node = parse_criteria({"totalSpent": {"min": 500}})
    assert matches(node, customer(totalSpentMinor=50_000), NOW)
    assert not matches(node, customer(totalSpentMinor=49_999), NOW)


@pytest.mark.parametrize("criteria,inside,outside", [
    ({"totalSpent": {"max": 100}}, {"totalSpentMinor": 10_000}, {"totalSpentMinor": 10_001}),
    ({"totalOrders": {"min": 3, "max": 4}}, {"totalOrders": 4}, {"totalOrders": 5}),
    ({"lastPurchaseDate": {"before": "2026-01-01"}}, {"lastPurchaseDate": datetime(2025, 12, 31, tzinfo=timezone.utc)},
     {"lastPurchaseDate": datetime(2026, 1, 1, tzinfo=timezone.utc)}),
    ({"lastPurchaseDate": {"after": "2026-01-01T00:00:00Z"}},
     {"lastPurchaseDate": datetime(2026, 1, 1, tzinfo=timezone.utc)}, {"lastPurchaseDate": None}),
    ({"lastPurchaseDate": {"withinDays": 90}}, {"lastPurchaseDate": NOW - timedelta(days=89)},
     {"lastPurchaseDate": NOW - timedelta(days=91)}),
    ({"lastPurchaseDate": {"notWithinDays": 90}}, {"lastPurchaseDate": NOW - timedelta(days=91)},
     {"lastPurchaseDate": None}),
    ({"registrationDate": {"withinDays": 30}}, {"registrationDate": NOW - timedelta(days=2)}, {}),
    ({"loyaltyTier": ["gold", "platinum"]}, {"loyaltyTier": "gold"}, {"loyaltyTier": "silver"}),
    ({"status": ["inactive"]}, {"status": "inactive"}, {}),
    ({"gender": ["male"]}, {"gender": "male"}, {"gender": None}),
    ({"tags": {"any": ["VIP", "x"]}}, {"tags": ["vip"]}, {"tags": ["y"]}),
    ({"tags": {"all": ["vip", "x"]}}, {"tags": ["x", "vip", "z"]}, {"tags": ["vip"]}),
    ({"tags": {"none": ["churned"]}}, {"tags": []}, {"tags": ["churned"]}),
    ({"preferences": {"sizes": {"any": ["L", "M"]}}}, {}, {"preferences": {"sizes": ["S"]}}),
    ({"preferences": {"colors": {"none": ["black"]}}}, {"preferences": {"colors": ["red"]}}, {}),
    ({"communication": {"sms": True}}, {"communication": {"email": True, "sms": True}}, {}),
    ({"or": [{"tags": {"any": ["vip"]}}, {"totalOrders": {"min": 10}}]}, {"totalOrders": 12}, {"totalOrders": 9}),
    ({"not": {"status": ["active"]}}, {"status": "suspended"}, {}),
    ({"and": [{"totalOrders": {"min": 1}}, {"not": {"tags": {"any": ["x"]}}}]}, {"totalOrders": 1},
     {"totalOrders": 1, "tags": ["x"]}),
])
def test_every_criterion_matches_inside_and_not_outside(criteria, inside, outside):
    node = parse_criteria(criteria)
    assert matches(node, customer(**inside), NOW)
    assert not matches(node, customer(**outside), NOW)


def test_empty_criteria_match_everyone_and_deleted_customers_match_nothing():
    node = parse_criteria({})
    assert matches(node, customer(), NOW)
    assert not matches(node, None, NOW)


def test_time_based_is_detected():
    assert is_time_based(parse_criteria({"lastPurchaseDate": {"notWithinDays": 90}}))
    assert is_time_based(parse_criteria({"not": {"registrationDate": {"withinDays": 3}}}))
    assert not is_time_based(parse_criteria({"lastPurchaseDate": {"before": "2026-01-01"}}))


@pytest.mark.parametrize("criteria,field", [
    ({"totalSpend": {"min": 5}}, "totalSpend"),
    ({"totalSpent": {"minimum": 5}}, "totalSpent.minimum"),
    ({"totalSpent": 500}, "totalSpent"),
    ({"totalSpent": {"min": "lots"}}, "totalSpent.min"),
    ({"totalSpent": {"min": 10.555}}, "totalSpent.min"),
    ({"totalSpent": {"min": -1}}, "totalSpent.min"),
    ({"totalSpent": {"min": 10, "max": 5}}, "totalSpent"),
    ({"totalSpent": {}}, "totalSpent"),
    ({"totalOrders": {"min": 1.5}}, "totalOrders.min"),
    ({"lastPurchaseDate": {"withinDays": -1}}, "lastPurchaseDate.withinDays"),
    ({"lastPurchaseDate": {"before": "yesterday"}}, "lastPurchaseDate.before"),
    ({"loyaltyTier": ["diamond"]}, "loyaltyTier.0"),
    ({"loyaltyTier": []}, "loyaltyTier"),
    ({"tags": {"any": []}}, "tags.any"),
    ({"tags": ["vip"]}, "tags"),
    ({"preferences": {"shoes": {"any": ["x"]}}}, "preferences.shoes"),
    ({"communication": {"email": "often"}}, "communication.email"),
    ({"or": []}, "or"),
    ({"not": {"status": ["nope"]}}, "not.status.0"),
])
def test_bad_criteria_are_refused_naming_the_field(criteria, field):
    with pytest.raises(ValidationError) as caught:
        Criteria.model_validate(criteria)
    locations = [".".join(str(p) for p in e["loc"]) for e in caught.value.errors()]
    assert any(loc == field or loc.startswith(field + ".") for loc in locations), locations


def test_nesting_is_bounded():
    deep: dict = {"status": ["active"]}
    for _ in range(7):
        deep = {"not": deep}
    with pytest.raises(ValidationError, match="nest at most"):
        Criteria.model_validate(deep)


def test_structured_round_trip_keeps_meaning_and_written_order():
    written = {"tags": {"none": ["x"]}, "totalSpent": {"min": 1, "max": 2.5}, "not": {"gender": ["male"]}}
    assert list(from_ast(parse_criteria(written))) == ["tags", "totalSpent", "not"]
    assert from_ast(parse_criteria(written)) == written
