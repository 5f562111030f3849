"""POST /orders/batch: one result per row, in order; bad rows stop no good row; ids are recorded once."""
from tests.customers.order_support import new_customer, published

ITEM = {"sku": "TS-1", "name": "Tee", "quantity": 2, "unitPrice": 15}


def _row(customer_id: str, **extra) -> dict:
    return {"customerId": customer_id, "items": [ITEM], "placedAt": "2026-05-02T08:00:00Z", **extra}


async def test_mixed_good_and_bad_rows(api, customers_app):
    ada, bob = await new_customer(api), await new_customer(api)
    assert (await api.post(f"/customers/{bob}/orders", json={"id": "bob-1", "items": [ITEM]})).status_code == 201
    rows = [
        _row(ada, id="imp-1"),                                   # 0 good, paid
        _row("no-such-customer", id="imp-2"),                    # 1 unknown customer
        _row(ada, items=[{**ITEM, "quantity": 0}]),              # 2 bad item
        _row(ada, id="bob-1"),                                   # 3 another customer's order id
        _row(bob, id="imp-3", status="pending", currency="usd"), # 4 good, pending
        _row(ada, id="imp-1"),                                   # 5 the same order again: recorded once
        _row(ada, currency="EUR"),                               # 6 another currency
        _row(bob, id="imp-4", status="refunded"),                # 7 not a status a new order has
        {"customerId": ada},                                     # 8 no items
    ]
    response = await api.post("/orders/batch", json={"orders": rows})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["index"] for r in results] == list(range(len(rows)))
    assert [r["ok"] for r in results] == [True, False, False, False, True, True, False, False, False]
    assert results[0] == {"index": 0, "ok": True, "orderId": "imp-1", "status": "paid", "recorded": True,
                          "error": None}
    assert results[5]["recorded"] is False and results[5]["orderId"] == "imp-1"
    assert results[4]["status"] == "pending"
    errors = {r["index"]: (r["error"]["code"], r["error"]["field"]) for r in results if not r["ok"]}
    assert errors == {1: ("NOT_FOUND", "customerId"), 2: ("VALIDATION", "items.0.quantity"), 3: ("CONFLICT", "id"),
                      6: ("VALIDATION", "currency"), 7: ("VALIDATION", "status"), 8: ("VALIDATION", "items")}

    assert (await api.get(f"/customers/{ada}")).json()["totalOrders"] == 1
    bob_now = (await api.get(f"/customers/{bob}")).json()
    assert bob_now["totalOrders"] == 2 and bob_now["totalSpent"] == 60.0
    recorded = {e.data["orderId"]: e.data["source"] for e in await published(customers_app, "order.recorded")}
    assert recorded == {"bob-1": "api", "imp-1": "bulk", "imp-3": "bulk"}
    assert {e.data["orderId"] for e in await published(customers_app, "order.paid")} == {"bob-1", "imp-1"}
    timeline = (await api.get(f"/customers/{ada}/activity")).json()["items"]
    assert [e["type"] for e in timeline].count("order.placed") == 1


async def test_the_batch_size_is_one_to_five_hundred(api):
    ada = await new_customer(api)
    for orders in ([], [_row(ada)] * 501):
        response = await api.post("/orders/batch", json={"orders": orders})
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "orders"
    full = await api.post("/orders/batch", json={"orders": [_row(ada) for _ in range(500)]})
    assert full.status_code == 200 and all(r["ok"] for r in full.json()["results"])
    customer = (await api.get(f"/customers/{ada}")).json()
    assert customer["totalOrders"] == 500 and customer["totalSpent"] == 15_000.0
