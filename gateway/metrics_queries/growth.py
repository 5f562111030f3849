"""CustomerStats.growth: the growth figures for the period customerStats was asked for, read only when selected
(customerStats without growth costs what it did before)."""
from datetime import datetime, timezone

from gateway.metrics_queries.types import StatsGrowth, StatsPeriod


def growth_params(period: StatsPeriod | None, start: datetime | None, end: datetime | None) -> dict:
    """The service's query for a period, or an explicit from/to (it checks the combination)."""
    params = {"period": period.value if period else None, "from": _iso(start), "to": _iso(end)}
    return {key: value for key, value in params.items() if value is not None}


async def load_growth(info, params: dict) -> StatsGrowth:
    return StatsGrowth.from_json(await info.context.clients.customers.growth_stats(params))


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
