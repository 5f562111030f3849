"""Pure loyalty rules: periods, tiers, earning and return clawback arithmetic, and what a posting does to an
account."""
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from services.loyalty.domain.documents import DEFAULT_TIERS, default_program
from services.loyalty.domain.records import Account, LedgerEntry
from services.loyalty.domain.tiers import next_tier, period_key, period_of, points_for_order, tier_for, tier_named
from services.loyalty.handlers.clawbacks import returned_share
from services.loyalty.handlers.posting import Posting, account_change, effective_standing, posted_events

NOW = datetime(2026, 5, 17, 12, 0, tzinfo=timezone.utc)
PROGRAM = default_program(NOW)  # quarterly, tiers at 0 / 500 / 1500 / 5000


@pytest.mark.parametrize("at, quarter", [
    (datetime(2026, 1, 1, tzinfo=timezone.utc), "2026-Q1"),
    (datetime(2026, 3, 31, 23, 59, tzinfo=timezone.utc), "2026-Q1"),
    (datetime(2026, 4, 1, tzinfo=timezone.utc), "2026-Q2"),
    (datetime(2026, 12, 31, tzinfo=timezone.utc), "2026-Q4"),
])
def test_quarterly_periods_are_calendar_quarters(at, quarter):
    assert period_of(PROGRAM, at) == quarter
    assert period_key(PROGRAM, at) == f"default:{quarter}"


def test_annual_and_custom_programs_have_one_period_per_year_and_per_program():
    assert period_of(replace(PROGRAM, type="annual"), NOW) == "2026"
    assert period_of(replace(PROGRAM, type="custom", id="summer"), NOW) == "program"
    assert period_key(replace(PROGRAM, type="custom", id="summer"), NOW) == "summer:program"


@pytest.mark.parametrize("qualifying, tier, following", [
    (0, "bronze", ("silver", 500)), (499, "bronze", ("silver", 1)), (500, "silver", ("gold", 1000)),
    (1499, "silver", ("gold", 1)), (1500, "gold", ("platinum", 3500)), (10**6, "platinum", None),
])
def test_the_tier_is_the_highest_threshold_reached(qualifying, tier, following):
    assert tier_for(DEFAULT_TIERS, qualifying).name == tier
    upcoming = next_tier(DEFAULT_TIERS, qualifying)
    assert ((upcoming["name"], upcoming["remaining"]) if upcoming else None) == following


def test_an_unknown_tier_name_reads_as_the_first_tier():
    assert tier_named(DEFAULT_TIERS, "gold").multiplier_percent == 150
    assert tier_named(DEFAULT_TIERS, "diamond").name == "bronze"
    assert tier_named(DEFAULT_TIERS, None).name == "bronze"


@pytest.mark.parametrize("total_minor, per_unit, percent, points", [
    (12345, 1, 100, 123),   # 123.45 units, rounded down
    (9999, 1, 125, 124),    # 99.99 x 1.25 = 124.9875
    (100, 1, 150, 1),       # 1 unit x 1.5 = 1.5
    (99, 1, 200, 1),        # 0.99 x 2 = 1.98
    (99, 1, 100, 0),        # less than a unit earns nothing
    (10000, 3, 200, 600),
    (0, 1, 100, 0), (-500, 1, 100, 0),
])
def test_order_points_are_whole_and_rounded_down(total_minor, per_unit, percent, points):
    assert points_for_order(total_minor, per_unit, percent) == points


@pytest.mark.parametrize("returned_minor, share", [(0, 0), (5000, 49), (9000, 89), (12344, 122), (12345, 123),
                                                   (20000, 123)])
def test_returns_take_back_floor_of_e_times_r_over_b_capped_at_what_was_earned(returned_minor, share):
    assert returned_share(123, 12345, returned_minor) == share


def test_an_order_earned_on_nothing_gives_everything_back_at_the_first_return():
    assert returned_share(10, 0, 1) == 10
    assert returned_share(10, 0, 0) == 0


@pytest.mark.parametrize("splits", [[1] * 7, [3, 3, 1], [6, 1], [2, 2, 2, 1]])
def test_returning_every_item_in_any_split_takes_back_exactly_what_was_earned(splits):
    earned, unit = 97, 1433  # 7 items of 14.33: 97 points on 100.31
    base, returned, taken = unit * sum(splits), 0, []
    for quantity in splits:
        returned += quantity * unit
        taken.append(returned_share(earned, base, returned) - sum(taken))
    assert all(t >= 0 for t in taken)
    assert sum(taken) == earned


def test_a_posting_in_a_new_period_starts_qualifying_from_zero():
    account = Account("ada", qualifying_points=1600, tier="gold", period_key="default:2026-Q1")
    assert effective_standing(account, PROGRAM, NOW) == (0, DEFAULT_TIERS[0])

    moved = account_change(account, PROGRAM, Posting("ada", "earn", 40, "Order 1", "event", "e", 40, 40), NOW)

    standing = moved.standing
    assert (standing.qualifying_points, standing.tier, standing.period_key) == (40, "bronze", "default:2026-Q2")
    assert (moved.balance, moved.lifetime_points, moved.version, moved.credited, moved.debited) == (40, 40, 1, 40, 0)


def test_a_clawback_never_takes_qualifying_below_zero_and_counts_its_shortfall():
    account = Account("ada", qualifying_points=30, tier="bronze", period_key=period_key(PROGRAM, NOW))
    change = Posting("ada", "clawback", -10, "Order 1 refunded", "event", "e", qualifying=-50, lifetime=-50,
                     extra={"shortfall": 40})

    moved = account_change(account, PROGRAM, change, NOW)

    assert moved.standing.qualifying_points == 0
    assert (moved.balance, moved.lifetime_points, moved.version, moved.credited, moved.debited, moved.shortfall) \
        == (-10, -50, 1, 0, 10, 40)


def test_a_void_undoes_its_redemptions_debit_instead_of_crediting():
    moved = account_change(None, PROGRAM, Posting("ada", "void", 300, "code voided", "request", "r"), NOW)
    assert (moved.debited, moved.credited) == (-300, 0)


def test_a_posting_announces_a_tier_change_only_when_the_tier_moves():
    entry = LedgerEntry(id="entry-1", customer_id="ada", program_id="default", period="2026-Q2", kind="adjust",
                        points=600, balance_after=600, reason="goodwill", source_type="request", source_id="r",
                        created_at=NOW)
    after = Account("ada", balance=600, lifetime_points=600, tier="silver", version=3)

    moved = posted_events(Account("ada", tier="bronze"), after, entry)
    stayed = posted_events(Account("ada", tier="silver"), after, entry)
    first = posted_events(None, replace(after, tier="bronze"), entry)

    assert [e.TYPE for e in moved] == ["loyalty.points.changed", "loyalty.tier.changed"]
    assert (moved[1].previous_tier, moved[1].tier, moved[1].account_version) == ("bronze", "silver", 3)
    assert [e.TYPE for e in stayed] == ["loyalty.points.changed"]
    assert [e.TYPE for e in first] == ["loyalty.points.changed"]  # a new account starts bronze: no change
