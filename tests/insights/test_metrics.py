"""GET /stats/growth: the dashboard's figures for a window and the one before, from hand-built orders.

Expected figures are worked out here from the same data the test records (not copied from an answer)."""
from datetime import datetime, timedelta, timezone

from services.customers.domain.stats_periods import growth_percent, period_window
from shared.money import to_minor, to_units
from tests.customers.factories import customer_body

# Two closed windows: C = February 2025, P = the 28 days before it (an explicit window's previous one).
C_START = datetime(2025, 2, 1, tzinfo=timezone.utc)
C_END = datetime(2025, 3, 1, tzinfo=timezone.utc)
P_START = C_START - (C_END - C_START)
BEFORE = datetime(2024, 6, 1, tzinfo=timezone.utc)


def _order(price: float, placed: datetime, status: str = "paid") -> dict:
    return {"items": [{"sku": "S", "name": "Shirt", "quantity": 1, "unitPrice": price}], "placedAt": placed.isoformat(),
            "status": status}


async def _customer(api, registered: datetime) -> str:
    response = await api.post("/customers", json=customer_body(registrationDate=registered.isoformat()))
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _growth(api, start=C_START, end=C_END) -> dict:
    response = await api.get("/stats/growth", params={"from": start.isoformat(), "to": end.isoformat()})
    assert response.status_code == 200, response.text
    return response.json()


def _expected(orders: list[tuple[str, float, datetime]], registered: list[datetime], start, end) -> dict:
    """The figures as docs/insights.md defines them, for paid orders (customer, amount, paid at)."""
    inside = [(c, a) for c, a, at in orders if start <= at < end]
    buyers = {c for c, _ in inside}
    repeat = {c for c in buyers if sum(1 for b, _ in inside if b == c) > 1
              or any(b == c and at < start for b, _, at in orders)}
    sales = sum(to_minor(a) for _, a in inside)
    return {"newCustomers": sum(1 for r in registered if start <= r < end), "activeCustomers": len(buyers),
            "orders": len(inside), "grossSales": to_units(sales), "refunds": 0.0, "revenue": to_units(sales),
            "averageOrderValue": to_units(round(sales / len(inside))) if inside else 0.0,
            "repeatPurchaseRate": round(len(repeat) * 100 / len(buyers), 1) if buyers else 0.0}


async def test_each_figure_its_previous_value_and_growth(api):
    registered = [BEFORE, P_START + timedelta(days=3), P_START + timedelta(days=9), C_START + timedelta(days=1),
                  C_START + timedelta(days=2), C_START + timedelta(days=20)]
    ids = [await _customer(api, r) for r in registered]
    orders = [(ids[0], 30.0, BEFORE + timedelta(days=1)),  # an earlier order: ids[0] is a repeat buyer later
              (ids[0], 40.0, P_START + timedelta(days=4)), (ids[1], 25.5, P_START + timedelta(days=5)),
              (ids[0], 60.0, C_START + timedelta(days=2)), (ids[3], 10.0, C_START + timedelta(days=3)),
              (ids[3], 15.25, C_START + timedelta(days=10)), (ids[4], 99.99, C_START + timedelta(days=27)),
              (ids[2], 5.0, C_END)]  # paid at the window's end: the next window's (half-open)
    for customer, amount, at in orders:
        assert (await api.post(f"/customers/{customer}/orders", json=_order(amount, at))).status_code == 201
    # A pending order is not money yet; it counts nowhere until it is paid.
    await api.post(f"/customers/{ids[5]}/orders", json=_order(70.0, C_START + timedelta(days=21), "pending"))

    found = await _growth(api)
    assert (datetime.fromisoformat(found["from"]), datetime.fromisoformat(found["to"])) == (C_START, C_END)
    assert datetime.fromisoformat(found["previousFrom"]) == P_START
    assert datetime.fromisoformat(found["previousTo"]) == C_START
    now, before = _expected(orders, registered, C_START, C_END), _expected(orders, registered, P_START, C_START)
    assert now["activeCustomers"] == 3 and now["orders"] == 4  # the data says what the test means
    for name, figure in found["figures"].items():
        assert figure["value"] == now[name], name
        assert figure["previous"] == before[name], name
        assert figure["growthPercent"] == growth_percent(now[name], before[name]), name
    assert found["figures"]["refunds"]["growthPercent"] is None  # nothing to compare with: null, not infinite


async def test_a_refund_counts_when_it_happens_and_leaves_the_old_window_alone(api):
    customer = await _customer(api, BEFORE)
    order = (await api.post(f"/customers/{customer}/orders", json=_order(80.0, C_START + timedelta(days=5)))).json()
    kept = (await api.post(f"/customers/{customer}/orders", json=_order(20.0, C_START + timedelta(days=6)))).json()
    before = await _growth(api)
    assert before["figures"]["revenue"]["value"] == 100.0

    returned = await api.post(f"/customers/{customer}/orders/{kept['id']}/returns",
                              json={"items": [{"sku": "S", "quantity": 1}], "reason": "too small"})
    assert returned.status_code == 201, returned.text
    refunded = await api.patch(f"/customers/{customer}/orders/{order['id']}", json={"status": "refunded"})
    assert refunded.status_code == 200, refunded.text

    assert await _growth(api) == before  # February 2025 reads the same after a refund made today
    now = datetime.now(timezone.utc)
    today = await _growth(api, now - timedelta(hours=1), now + timedelta(hours=1))
    figures = today["figures"]
    assert figures["refunds"]["value"] == 100.0 and figures["revenue"]["value"] == -100.0
    assert figures["orders"]["value"] == 0 and figures["grossSales"]["value"] == 0


async def test_erasure_and_merge_leave_the_figures_alone(api):
    registered = [P_START + timedelta(days=1), C_START + timedelta(days=1), C_START + timedelta(days=2)]
    a, b, c = [await _customer(api, r) for r in registered]
    for customer, amount, at in [(a, 10.0, P_START + timedelta(days=2)), (a, 12.0, C_START + timedelta(days=3)),
                                 (b, 30.0, C_START + timedelta(days=4)), (c, 7.5, C_START + timedelta(days=5))]:
        await api.post(f"/customers/{customer}/orders", json=_order(amount, at))
    before = await _growth(api)

    erased = await api.post(f"/customers/{a}/erasure", json={"reason": "the person asked (ticket 12)"})
    assert erased.status_code in (200, 201), erased.text
    assert await _growth(api) == before

    merged = await api.post("/merges", json={"keepId": b, "mergeId": c})
    assert merged.status_code == 200, merged.text
    # c's sign-up and purchase stay where they were: two active customers, three new ones, as before the merge.
    assert await _growth(api) == before


async def test_named_periods_and_bad_input(api):
    found = (await api.get("/stats/growth", params={"period": "DAY_7"})).json()
    assert datetime.fromisoformat(found["to"]) - datetime.fromisoformat(found["from"]) == timedelta(days=7)
    assert datetime.fromisoformat(found["previousTo"]) == datetime.fromisoformat(found["from"])
    default = (await api.get("/stats/growth")).json()
    assert datetime.fromisoformat(default["from"]).day == 1  # the month to date
    for params, field in [({"period": "DAY_8"}, "period"),
                          ({"from": C_END.isoformat(), "to": C_START.isoformat()}, "from"),
                          ({"from": C_START.isoformat()}, "to"),
                          ({"period": "MONTH", "from": C_START.isoformat(), "to": C_END.isoformat()}, "period"),
                          ({"from": "2020-01-01T00:00:00Z", "to": "2025-01-01T00:00:00Z"}, "to")]:
        response = await api.get("/stats/growth", params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["error"]["field"] == field, (params, response.text)


def test_calendar_periods_compare_like_for_like():
    window = period_window("MONTH", datetime(2026, 3, 31, 12, tzinfo=timezone.utc))
    assert window.start == datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert window.previous_start == datetime(2026, 2, 1, tzinfo=timezone.utc)
    assert window.previous_end == datetime(2026, 3, 1, tzinfo=timezone.utc)  # clipped to February's end
    window = period_window("QUARTER", datetime(2026, 5, 10, tzinfo=timezone.utc))
    assert (window.start, window.previous_start) == (datetime(2026, 4, 1, tzinfo=timezone.utc),
                                                     datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert window.previous_end == datetime(2026, 2, 9, tzinfo=timezone.utc)
    window = period_window("YEAR", datetime(2026, 1, 3, tzinfo=timezone.utc))
    assert window.previous_start == datetime(2025, 1, 1, tzinfo=timezone.utc)
