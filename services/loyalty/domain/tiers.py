"""Tier qualification, earning rate and program periods: pure rules, no I/O."""
from collections.abc import Sequence
from datetime import datetime

from services.loyalty.domain.records import Program, ProgramTier

BASE_PERCENT = 100


def period_of(program: Program, at: datetime) -> str:
    """The qualification period `at` falls in: a calendar quarter, a calendar year, or the whole custom program."""
    if program.type == "quarterly":
        return f"{at.year}-Q{(at.month - 1) // 3 + 1}"
    if program.type == "annual":
        return str(at.year)
    return "program"


def period_key(program: Program, at: datetime) -> str:
    return f"{program.id}:{period_of(program, at)}"


def tier_for(tiers: Sequence[ProgramTier], qualifying: int) -> ProgramTier:
    """The highest tier whose threshold the qualifying points reach (the first tier starts at 0)."""
    reached = tiers[0]
    for tier in tiers:
        if qualifying >= tier.min_points:
            reached = tier
    return reached


def next_tier(tiers: Sequence[ProgramTier], qualifying: int) -> dict | None:
    """The next tier up as the account view shows it: its name and the qualifying points still missing."""
    for tier in tiers:
        if tier.min_points > qualifying:
            return {"name": tier.name, "remaining": tier.min_points - qualifying}
    return None


def tier_named(tiers: Sequence[ProgramTier], name: str | None) -> ProgramTier:
    return next((t for t in tiers if t.name == name), tiers[0])


def points_for_order(total_minor: int, points_per_unit: int, multiplier_percent: int) -> int:
    """Whole points, rounded down: amount in units x base rate x tier multiplier, in integers only."""
    if total_minor <= 0:
        return 0
    return total_minor * points_per_unit * multiplier_percent // (100 * BASE_PERCENT)
