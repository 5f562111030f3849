"""Dashboard statistics over all customers."""
from datetime import datetime

from services.customers.handlers.deps import Deps, utcnow
from shared.money import divide_minor


def month_starts(now: datetime) -> tuple[datetime, datetime]:
    this_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    previous = (this_month.replace(year=this_month.year - 1, month=12) if this_month.month == 1
                else this_month.replace(month=this_month.month - 1))
    return this_month, previous


def growth_percent(current: int, previous: int) -> float | None:
    if previous == 0:
        return None
    return round((current - previous) * 100 / previous, 1)


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
