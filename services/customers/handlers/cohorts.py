"""Cohort retention by registration month: for each month's sign-ups, the share who bought in each month since."""
from datetime import datetime, timezone

from services.customers.domain.stats_periods import calendar_start, months_before
from services.customers.handlers.deps import Deps, utcnow

MAX_MONTHS = 36


def _utc(month: datetime) -> datetime:
    """Months are worked out as naive UTC (as the database hands them back); answered with their zone."""
    return month.replace(tzinfo=timezone.utc)


def _month_index(month: datetime) -> int:
    return month.year * 12 + month.month - 1


async def cohort_table(deps: Deps, months: int, now: datetime | None = None) -> list[dict]:
    """The last `months` registration months, oldest first, this month included. Each row: the cohort size and one
    cell per month from its registration month (offset 0) to this month: buyers and their share in percent. An
    order paid before its buyer's registration month (an imported history) is left out of the table."""
    this_month = calendar_start((now or utcnow()), 1).replace(tzinfo=None)
    start = months_before(this_month, months - 1)
    sizes, cells = await deps.cohorts.table(start)
    buyers = {(cell.cohort, cell.month): cell.buyers for cell in cells}
    rows = []
    for index in range(months):
        cohort = months_before(this_month, months - 1 - index)
        size = sizes.get(cohort, 0)
        cells = []
        for offset in range(_month_index(this_month) - _month_index(cohort) + 1):
            month = months_before(cohort, -offset)
            count = buyers.get((cohort, month), 0)
            cells.append({"offset": offset, "month": _utc(month), "buyers": count,
                          "sharePercent": round(count * 100 / size, 1) if size else 0.0})
        rows.append({"cohort": _utc(cohort), "size": size, "months": cells})
    return rows
