"""Per-item returns: a paid order's items come back with a reason; the order, the totals, the timeline and the events
follow, each return applies once, and a later whole-order refund takes out only what remains."""
from tests.customers.order_support import new_customer, published, published_for_order

ORDER = {"id": "ret-1", "placedAt": "2026-03-01T10:00:00Z", "items": [
    {"sku": "DR-1", "name": "Dress", "quantity": 3, "unitPrice": 40, "size": "S"},
    {"sku": "DR-1", "name": "Dress", "quantity": 1, "unitPrice": 45, "size": "L"},
    {"sku": "BG-2", "name": "Bag", "quantity": 1, "unitPrice": 20.5}]}  # 185.50 in all


async def _paid_order(api, customer_id: str, **overrides) -> dict:
    response = await api.post(f"/customers/{customer_id}/orders", json={**ORDER, **overrides})
    assert response.status_code == 201, response.text
    return response.json()


def _returns(customer_id: str, order_id: str = "ret-1") -> str:
    return f"/customers/{customer_id}/orders/{order_id}/returns"


async def test_part_then_the_rest_then_nothing_more(api, customers_app):
    customer_id = await new_customer(api)
    await _paid_order(api, customer_id)
    first = await api.post(_returns(customer_id), json={"id": "r-1", "reason": "too small",
                                                        "items": [{"sku": "DR-1", "quantity": 2}]})
    assert first.status_code == 201, first.text
    order = first.json()
    assert [i["returnedQuantity"] for i in order["items"]] == [2, 0, 0]
    assert order["returnedAmount"] == 80.0 and order["total"] == 185.5 and order["status"] == "paid"
    assert order["returns"][0]["reason"] == "too small" and order["returns"][0]["amount"] == 80.0
    customer = (await api.get(f"/customers/{customer_id}")).json()
    assert customer["totalSpent"] == 105.5 and customer["totalOrders"] == 1

    # Two more dresses: the last S at 40 and the L at 45, taken in the order's own order.
    rest = await api.post(_returns(customer_id), json={"reason": "changed mind", "items": [
        {"sku": "DR-1", "quantity": 1}, {"sku": "BG-2", "quantity": 1}, {"sku": "DR-1", "quantity": 1}]})
    assert rest.status_code == 201, rest.text
    assert [i["returnedQuantity"] for i in rest.json()["items"]] == [3, 1, 1]
    assert rest.json()["returnedAmount"] == 185.5
    customer = (await api.get(f"/customers/{customer_id}")).json()
    assert customer["totalSpent"] == 0 and customer["totalOrders"] == 1  # everything came back; still an order

    nothing_left = await api.post(_returns(customer_id), json={"reason": "again", "items": [
        {"sku": "BG-2", "quantity": 1}]})
    assert nothing_left.status_code == 409
    assert nothing_left.json()["error"]["field"] == "items.0.quantity"

    returned = await published(customers_app, "order.items.returned")
    assert [(e.data["returnId"], e.data["amountMinor"], e.data["orderTotalMinor"]) for e in returned] == [
        ("r-1", 80_00, 185_50), (rest.json()["returns"][1]["id"], 105_50, 185_50)]
    assert returned[1].data["items"] == [{"sku": "DR-1", "quantity": 2, "amountMinor": 85_00},
                                         {"sku": "BG-2", "quantity": 1, "amountMinor": 20_50}]
    assert returned[0].data["reason"] == "too small"
    timeline = (await api.get(f"/customers/{customer_id}/activity")).json()["items"]
    entries = [e for e in timeline if e["type"] == "order.items_returned"]
    assert len(entries) == 2 and any("2 items returned (too small): 80.00" in e["summary"] for e in entries)


async def test_the_same_return_id_applies_once_and_answers_the_same(api, customers_app):
    customer_id = await new_customer(api)
    await _paid_order(api, customer_id)
    body = {"id": "r-same", "reason": "too big", "items": [{"sku": "BG-2", "quantity": 1}]}
    first = await api.post(_returns(customer_id), json=body)
    again = await api.post(_returns(customer_id), json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert (await api.get(f"/customers/{customer_id}")).json()["totalSpent"] == 165.0
    assert len(await published(customers_app, "order.items.returned")) == 1


async def test_bad_returns_are_refused_with_the_field(api):
    customer_id = await new_customer(api)
    await _paid_order(api, customer_id)
    cases = [
        ({"reason": "x", "items": [{"sku": "NOPE", "quantity": 1}]}, 422, "items.0.sku"),
        ({"reason": "x", "items": [{"sku": "DR-1", "quantity": 5}]}, 409, "items.0.quantity"),
        ({"items": [{"sku": "DR-1", "quantity": 1}]}, 422, "reason"),
        ({"reason": "   ", "items": [{"sku": "DR-1", "quantity": 1}]}, 422, "reason"),
        ({"reason": "x", "items": []}, 422, "items"),
        ({"reason": "x", "items": [{"sku": "DR-1", "quantity": 0}]}, 422, "items.0.quantity"),
    ]
    for body, status, field in cases:
        response = await api.post(_returns(customer_id), json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["field"] == field, (body, response.json())
    missing = await api.post(_returns(customer_id, "no-such-order"), json={"reason": "x", "items": [
        {"sku": "DR-1", "quantity": 1}]})
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "orderId"
    assert (await api.get(f"/customers/{customer_id}")).json()["totalSpent"] == 185.5


async def test_a_pending_cancelled_or_refunded_order_has_nothing_to_return(api):
    customer_id = await new_customer(api)
    for order_id, status, moves in (("p-1", "pending", []), ("c-1", "pending", ["cancelled"]),
                                    ("f-1", "paid", ["refunded"])):
        await _paid_order(api, customer_id, id=order_id, status=status)
        for target in moves:
            assert (await api.patch(f"/customers/{customer_id}/orders/{order_id}",
                                    json={"status": target})).status_code == 200
        response = await api.post(_returns(customer_id, order_id), json={"reason": "x", "items": [
            {"sku": "DR-1", "quantity": 1}]})
        assert response.status_code == 409, response.text
        assert response.json()["error"]["field"] == "status"


async def test_a_refund_after_a_return_takes_out_only_what_remains(api, customers_app):
    customer_id = await new_customer(api)
    await _paid_order(api, customer_id)
    await _paid_order(api, customer_id, id="other")
    assert (await api.post(_returns(customer_id), json={"reason": "too small", "items": [
        {"sku": "DR-1", "quantity": 3}]})).status_code == 201
    assert (await api.get(f"/customers/{customer_id}")).json()["totalSpent"] == 251.0  # 371.00 - 120.00

    refunded = await api.patch(f"/customers/{customer_id}/orders/ret-1", json={"status": "refunded"})
    assert refunded.status_code == 200
    customer = (await api.get(f"/customers/{customer_id}")).json()
    assert customer["totalSpent"] == 185.5 and customer["totalOrders"] == 1
    [event] = await published(customers_app, "order.refunded")
    assert event.data["totalMinor"] == 65_50  # 185.50 less the 120.00 returned
    assert await published_for_order(customers_app, "ret-1") == [
        "order.recorded", "order.paid", "order.items.returned", "order.status.changed", "order.refunded"]
