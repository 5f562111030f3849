"""Segment definitions in memory: the pre-built segments survive criteria -> text -> criteria, and the matcher picks
the right customers out of a small shop (tests/segments has the per-criterion cases)."""
from datetime import datetime, timedelta, timezone

import pytest

from services.customers.segments.domain.criteria import Criteria, from_ast
from services.customers.segments.domain.language import parse_query
from services.customers.segments.domain.matcher import matches
from services.customers.segments.domain.models import PREBUILT, definition
from shared.errors import ValidationFailed

NOW = datetime(2026, 5, 17, 12, 0, tzinfo=timezone.utc)


def customer(name: str, *, spent: int = 0, orders: int = 0, last: int | None = None, registered: int = 400,
             tier: str = "bronze", status: str = "active", tags: tuple[str, ...] = (), sizes: tuple[str, ...] = (),
             email: bool = True) -> dict:
    """`last` and `registered` in days ago; spend in minor units as stored."""
    doc = {"_id": name, "totalSpentMinor": spent, "totalOrders": orders, "loyaltyTier": tier, "status": status,
           "registrationDate": NOW - timedelta(days=registered), "tags": list(tags),
           "preferences": {"sizes": list(sizes)}, "communication": {"email": email, "sms": False}}
    if last is not None:
        doc["lastPurchaseDate"] = NOW - timedelta(days=last)
    return doc


SHOP = [
    customer("ada", spent=150_000, orders=12, last=3, tier="gold", tags=("vip",), sizes=("M",)),
    customer("bo", spent=99_999, orders=5, last=120, tier="silver", sizes=("L", "XL")),
    customer("cy", spent=100_000, orders=1, last=200, status="suspended", tags=("churned",)),
    customer("di", registered=10, email=False),  # new, never bought: no lastPurchaseDate at all
    customer("ed", spent=2_500, orders=2, last=45, tier="bronze", tags=("newsletter", "vip"), sizes=("S",)),
]


def members(query: str) -> list[str]:
    node = parse_query(query)
    return [c["_id"] for c in SHOP if matches(node, c, NOW)]


@pytest.mark.parametrize("slug", sorted(PREBUILT))
def test_each_prebuilt_segment_converts_to_text_and_back_unchanged(slug):
    _, _, criteria = PREBUILT[slug]
    node, structured, text = definition(Criteria.model_validate(criteria), None)

    assert structured == criteria
    assert parse_query(text) == node
    assert from_ast(parse_query(text)) == criteria
    assert definition(None, text)[1:] == (structured, text)


@pytest.mark.parametrize("query, expected", [
    ("total_spent >= 1000", ["ada", "cy"]),                 # 1000.00 units is 100_000 minor: inclusive
    ("total_spent > 999.99", ["ada", "cy"]),
    ("total_orders >= 5", ["ada", "bo"]),
    ("last_purchase < -90d", ["bo", "cy"]),                 # di never bought: no date matches no date rule
    ("NOT last_purchase >= -90d", ["bo", "cy", "di"]),      # ...but NOT of one does
    ("registration_date >= -30d", ["di"]),
    ('tags HAS "vip"', ["ada", "ed"]),
    ('tags HAS NONE ("vip", "churned")', ["bo", "di"]),
    ('sizes HAS ANY ("L", "S")', ["bo", "ed"]),
    ("email_opt_in = false", ["di"]),
    ("loyalty_tier IN (gold, silver) AND status IN (active)", ["ada", "bo"]),
    ('status IN (active) AND (total_orders >= 10 OR tags HAS ALL ("newsletter", "vip"))', ["ada", "ed"]),
])
def test_the_matcher_picks_the_customers_a_query_describes(query, expected):
    assert members(query) == expected


def test_no_criteria_match_everyone_but_a_deleted_customer():
    everyone, structured, text = definition(None, None)
    assert (structured, text) == ({}, "")
    assert [c["_id"] for c in SHOP if matches(everyone, c, NOW)] == [c["_id"] for c in SHOP]
    assert not matches(everyone, None, NOW)


def test_an_empty_query_text_is_refused_naming_the_query():
    with pytest.raises(ValidationFailed) as refused:
        definition(None, "  ")
    assert refused.value.field == "query"
