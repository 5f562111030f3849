"""Routes: the dashboard's growth figures (GET /stats/growth) and cohort retention (GET /stats/cohorts).
Today's totals stay at GET /customers/stats (api/customers.py)."""
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from services.customers.api.deps import DepsDep
from services.customers.domain.stats_periods import PERIODS
from services.customers.handlers import cohorts, stats
from services.customers.handlers.cohorts import MAX_MONTHS
from shared.api import PublicModel
from shared.errors import ValidationFailed
from shared.money import to_units
from shared.timestamps import Timestamp

router = APIRouter(prefix="/stats", tags=["stats"])
MONEY = ("grossSales", "refunds", "revenue", "averageOrderValue")


class Figure(PublicModel):
    value: int | float
    previous: int | float
    growth_percent: float | None = Field(alias="growthPercent",
                                         description="(value - previous) / previous in percent; null if previous is 0")


class Growth(PublicModel):
    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")
    previous_start: datetime = Field(alias="previousFrom")
    previous_end: datetime = Field(alias="previousTo")
    figures: dict[str, Figure] = Field(description="newCustomers, activeCustomers, orders, grossSales, refunds, "
                                                   "revenue, averageOrderValue (currency units), repeatPurchaseRate")


@router.get("/growth", response_model=Growth)
async def growth(deps: DepsDep, period: Annotated[str | None, Query(description=", ".join(PERIODS))] = None,
                 start: Annotated[Timestamp | None, Query(alias="from")] = None,
                 end: Annotated[Timestamp | None, Query(alias="to")] = None) -> Growth:
    if period is not None and period not in PERIODS:
        raise ValidationFailed(f"period must be one of {', '.join(PERIODS)}", field="period")
    found = await stats.growth_stats(deps, period, start, end)
    figures = {}
    for name, figure in found.pop("figures").items():
        key = name.removesuffix("Minor")
        if key in MONEY:  # minor units become currency units here, at the edge; growth is the same either way
            figure = {**figure, "value": to_units(figure["value"]), "previous": to_units(figure["previous"])}
        figures[key] = figure
    return Growth(figures=figures, **found)


class CohortMonth(PublicModel):
    offset: int = Field(description="months after the registration month (0: that month)")
    month: datetime
    buyers: int
    share_percent: float = Field(alias="sharePercent")


class Cohort(PublicModel):
    cohort: datetime = Field(description="the registration month (its first instant, UTC)")
    size: int
    months: list[CohortMonth]


@router.get("/cohorts", response_model=list[Cohort])
async def cohort_retention(deps: DepsDep, months: Annotated[int, Query(ge=1, le=MAX_MONTHS)] = 12) -> list[Cohort]:
    return [Cohort(**row) for row in await cohorts.cohort_table(deps, months)]
