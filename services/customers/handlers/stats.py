"""Dashboard statistics over all customers: today's totals, and growth over a period against the one before."""
import asyncio
from datetime import datetime

from services.customers.domain.stats_periods import Window, choose_window, growth_percent
from services.customers.handlers.deps import Deps, utcnow
from services.customers.store.stats import WindowFigures
from shared.money import divide_minor

__all__ = ["customer_stats", "growth_percent", "growth_stats", "month_starts"]


def month_starts(now: datetime) -> tuple[datetime, datetime]:
    this_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    previous = (this_month.replace(year=this_month.year - 1, month=12) if this_month.month == 1
                else this_month.replace(month=this_month.month - 1))
    return this_month, previous


async def customer_stats(deps: Deps, now: datetime | None = None) -> dict:
    now = now or utcnow()
    this_month, last_month = month_starts(now)
    count = deps.customers.count
    spent_minor, orders = await deps.customers.order_value_totals()
    new_this = await count({"registrationDate": {"$gte": this_month, "$lte": now}})
    new_last = await count({"registrationDate": {"$gte": last_month, "$lt": this_month}})
    return {
        "totalCustomers": await count({}),
        "activeCustomers": await count({"status": "active"}),
        "loyaltyMembers": await count({"loyaltyLifetimePoints": {"$gt": 0}}),
        "averageOrderValueMinor": divide_minor(spent_minor, orders),
        "newCustomersThisMonth": new_this,
        "newCustomersLastMonth": new_last,
        "newCustomersGrowthPercent": growth_percent(new_this, new_last),
    }


def _figures(f: WindowFigures) -> dict:
    """One window's figures (money in minor units, the rate in percent with one decimal)."""
    return {
        "newCustomers": f.new_customers,
        "activeCustomers": f.buyers,
        "orders": f.orders,
        "grossSalesMinor": f.sales_minor,
        "refundsMinor": f.returns_minor + f.refunds_minor,
        "revenueMinor": f.revenue_minor,
        "averageOrderValueMinor": divide_minor(f.sales_minor, f.orders),
        "repeatPurchaseRate": round(f.repeat_buyers * 100 / f.buyers, 1) if f.buyers else 0.0,
    }


async def growth_stats(deps: Deps, period: str | None, start: datetime | None, end: datetime | None,
                       now: datetime | None = None) -> dict:
    """Each figure for the window, the window before, and the growth between them (None when the previous is 0)."""
    window: Window = choose_window(period, start, end, now or utcnow())
    current, previous = map(_figures, await asyncio.gather(
        deps.stats.window(window.start, window.end), deps.stats.window(window.previous_start, window.previous_end)))
    return {
        "from": window.start, "to": window.end, "previousFrom": window.previous_start,
        "previousTo": window.previous_end,
        "figures": {name: {"value": value, "previous": previous[name],
                           "growthPercent": growth_percent(value, previous[name])}
                    for name, value in current.items()},
    }
