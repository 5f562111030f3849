"""The dashboard's periods: which window a growth figure covers and the window it is compared with. Pure rules.

Every window is half-open, [start, end), in UTC (the shop's figures are kept in UTC; docs/insights.md).
- DAY_7, DAY_30, DAY_90: the last N days up to now, against the N days before them.
- MONTH, QUARTER, YEAR: the calendar month (quarter, year) to date, against the previous one up to the same point
  (like for like: 10 days into March compare with the first 10 days of February, clipped to its end).
- An explicit from/to: that window, against the window of the same length just before it.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

from shared.errors import ValidationFailed

Period = Literal["DAY_7", "DAY_30", "DAY_90", "MONTH", "QUARTER", "YEAR"]
PERIODS: tuple[str, ...] = ("DAY_7", "DAY_30", "DAY_90", "MONTH", "QUARTER", "YEAR")
ROLLING_DAYS = {"DAY_7": 7, "DAY_30": 30, "DAY_90": 90}
CALENDAR_MONTHS = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}
# An explicit window is at most this long: each figure reads the orders of its window and the one before (bounded).
MAX_SPAN = timedelta(days=1096)
DEFAULT_PERIOD = "MONTH"


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    previous_start: datetime
    previous_end: datetime


def utc(value: datetime) -> datetime:
    """A time without an offset is read as UTC, as everywhere in the service."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def months_before(first_of_month: datetime, months: int) -> datetime:
    index = first_of_month.year * 12 + first_of_month.month - 1 - months
    return first_of_month.replace(year=index // 12, month=index % 12 + 1)


def calendar_start(now: datetime, months: int) -> datetime:
    """The first instant of the calendar month, quarter (months=3) or year (12) that holds now."""
    month = (now.month - 1) // months * months + 1
    return now.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def period_window(period: str, now: datetime) -> Window:
    now = utc(now)
    if period in ROLLING_DAYS:
        span = timedelta(days=ROLLING_DAYS[period])
        return Window(now - span, now, now - 2 * span, now - span)
    if period in CALENDAR_MONTHS:
        months = CALENDAR_MONTHS[period]
        start = calendar_start(now, months)
        previous_start = months_before(start, months)
        return Window(start, now, previous_start, min(previous_start + (now - start), start))
    raise ValidationFailed(f"period must be one of {', '.join(PERIODS)}", field="period")


def explicit_window(start: datetime, end: datetime) -> Window:
    start, end = utc(start), utc(end)
    if start >= end:
        raise ValidationFailed("from must be before to", field="from")
    if end - start > MAX_SPAN:
        raise ValidationFailed(f"a window is at most {MAX_SPAN.days} days", field="to")
    try:
        return Window(start, end, start - (end - start), start)
    except OverflowError as exc:  # a window near year 1: the one before it does not exist
        raise ValidationFailed("from is too early to have a window before it", field="from") from exc


def choose_window(period: str | None, start: datetime | None, end: datetime | None, now: datetime) -> Window:
    """A named period, or an explicit from/to (both), never both; nothing means the default period."""
    if start is None and end is None:
        return period_window(period or DEFAULT_PERIOD, now)
    if period is not None:
        raise ValidationFailed("give either period or from/to, not both", field="period")
    if start is None or end is None:
        raise ValidationFailed("from and to go together", field="from" if start is None else "to")
    return explicit_window(start, end)


def growth_percent(current: int | float, previous: int | float) -> float | None:
    """Change against the previous value in percent, one decimal; None when there is nothing to compare with."""
    if previous == 0:
        return None
    return round((current - previous) * 100 / previous, 1)
