"""GET /customers/stats: dashboard figures from real data."""
from datetime import datetime, timedelta, timezone

from services.customers.handlers.stats import growth_percent, month_starts
from tests.customers.factories import customer_body


def test_month_starts_wrap_the_year():
    this, last = month_starts(datetime(2026, 1, 15, 8, tzinfo=timezone.utc))
    assert this == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert last == datetime(2025, 12, 1, tzinfo=timezone.utc)
    assert growth_percent(3, 2) == 50.0 and growth_percent(1, 0) is None


async def test_stats_count_new_customers_and_average_order_value(api):
    now = datetime.now(timezone.utc)
    this_month, last_month = month_starts(now)
    dates = [this_month + timedelta(hours=1)] * 3 + [last_month + timedelta(days=2)] * 2 + [
        last_month - timedelta(days=40)]
    ids = []
    for i, when in enumerate(dates):
        body = customer_body(email=f"s{i}@example.com", registrationDate=when.isoformat(),
                             status="inactive" if i == 5 else "active")
        ids.append((await api.post("/customers", json=body)).json()["id"])
    await api.post(f"/customers/{ids[0]}/orders", json={"items": [{"sku": "A", "name": "A", "quantity": 1,
                                                                   "unitPrice": 10}]})
    await api.post(f"/customers/{ids[1]}/orders", json={"items": [{"sku": "A", "name": "A", "quantity": 1,
                                                                   "unitPrice": 15.01}]})
    stats = (await api.get("/customers/stats")).json()
    assert stats == {"totalCustomers": 6, "activeCustomers": 5, "loyaltyMembers": 0, "averageOrderValue": 12.51,
                     "newCustomersThisMonth": 3, "newCustomersLastMonth": 2, "newCustomersGrowthPercent": 50.0}
