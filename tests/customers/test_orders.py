"""Purchase history and the totals that follow from it."""
import asyncio

from tests.customers.factories import customer_body, order_body


async def _customer(api) -> str:
    return (await api.post("/customers", json=customer_body())).json()["id"]


async def test_two_orders_give_exact_totals(api):
    customer_id = await _customer(api)
    first = await api.post(f"/customers/{customer_id}/orders",
                           json=order_body(placedAt="2026-01-10T10:00:00Z"))
    assert first.status_code == 201
    assert first.json()["total"] == 119.48
    await api.post(f"/customers/{customer_id}/orders", json={
        "items": [{"sku": "JK-9", "name": "Jacket", "quantity": 1, "unitPrice": "80.01"}],
        "placedAt": "2026-02-01T09:30:00+01:00"})
    customer = (await api.get(f"/customers/{customer_id}")).json()
    assert customer["totalSpent"] == 199.49
    assert customer["totalOrders"] == 2
    assert customer["averageOrderValue"] == 99.75  # 199.49 / 2, rounded half up in cents
    assert customer["lastPurchaseDate"].startswith("2026-02-01T08:30:00")
    orders = (await api.get(f"/customers/{customer_id}/orders")).json()
    assert [o["total"] for o in orders["items"]] == [80.01, 119.48]
    assert orders["items"][1]["items"][0]["lineTotal"] == 99.98


async def test_concurrent_orders_for_one_customer_all_count(api):
    customer_id = await _customer(api)
    item = {"sku": "T-1", "name": "Tee", "quantity": 1, "unitPrice": 10.01}
    responses = await asyncio.gather(*(api.post(f"/customers/{customer_id}/orders", json={"items": [item]})
                                       for _ in range(12)))
    assert [r.status_code for r in responses] == [201] * 12
    customer = (await api.get(f"/customers/{customer_id}")).json()
    assert customer["totalOrders"] == 12
    assert customer["totalSpent"] == 120.12


async def test_same_order_id_is_recorded_once(api):
    customer_id = await _customer(api)
    for _ in range(2):
        response = await api.post(f"/customers/{customer_id}/orders", json=order_body(id="shop-1001"))
        assert response.status_code == 201
    customer = (await api.get(f"/customers/{customer_id}")).json()
    assert customer["totalOrders"] == 1


async def test_refund_takes_the_order_out_of_the_totals(api, customers_app):
    customer_id = await _customer(api)
    order = (await api.post(f"/customers/{customer_id}/orders", json=order_body())).json()
    await api.post(f"/customers/{customer_id}/orders", json=order_body())
    response = await api.patch(f"/customers/{customer_id}/orders/{order['id']}", json={"status": "refunded"})
    assert response.status_code == 200
    customer = (await api.get(f"/customers/{customer_id}")).json()
    assert customer["totalOrders"] == 1
    assert customer["totalSpent"] == 119.48
    outbox = customers_app.state.runtime.outbox.collection
    refunded = await outbox.find_one({"routingKey": "order.refunded"})
    assert refunded is not None and order["id"] in refunded["body"]


async def test_status_moves_only_along_allowed_transitions(api):
    customer_id = await _customer(api)
    order = (await api.post(f"/customers/{customer_id}/orders", json=order_body(status="pending"))).json()
    path = f"/customers/{customer_id}/orders/{order['id']}"
    assert (await api.patch(path, json={"status": "delivered"})).status_code == 409
    assert (await api.patch(path, json={"status": "paid"})).json()["status"] == "paid"
    assert (await api.patch(path, json={"status": "cancelled"})).json()["status"] == "cancelled"
    conflict = await api.patch(path, json={"status": "paid"})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["field"] == "status"
    customer = (await api.get(f"/customers/{customer_id}")).json()
    assert customer["totalOrders"] == 0 and customer["totalSpent"] == 0


async def test_timeline_lists_newest_first(api):
    customer_id = await _customer(api)
    await api.post(f"/customers/{customer_id}/orders", json=order_body(placedAt="2020-01-01T00:00:00Z"))
    await api.put(f"/customers/{customer_id}", json={"status": "inactive"})
    assert (await api.post(f"/customers/{customer_id}/activity", json={"kind": "login"})).status_code == 201
    timeline = (await api.get(f"/customers/{customer_id}/activity")).json()
    assert [e["type"] for e in timeline["items"]] == ["interaction.login", "profile.updated", "profile.created",
                                                      "order.placed"]
    assert timeline["total"] == 4
