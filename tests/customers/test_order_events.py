"""What the customers service says about orders: order.recorded for every order, order.paid exactly once per order
whatever the path, never order.placed (docs/purchase-path.md)."""
import pytest

from services.customers.events import PUBLISHES
from shared.bus.consumer import PoisonMessage
from shared.events import contracts
from tests.customers.factories import order_body
from tests.customers.order_support import (
    from_storefront,
    new_customer,
    published,
    published_for_order,
    storefront_order,
)


async def test_an_order_recorded_as_paid_is_recorded_and_paid_once(api, customers_app):
    customer_id = await new_customer(api)
    body = order_body(id="shop-paid-1", placedAt="2026-02-01T10:00:00Z")
    order = (await api.post(f"/customers/{customer_id}/orders", json=body)).json()
    assert (await api.post(f"/customers/{customer_id}/orders", json=body)).status_code == 201  # a retry
    assert order["paidAt"].startswith("2026-02-01T10:00:00")  # recorded paid: paid when placed

    assert await published_for_order(customers_app, "shop-paid-1") == ["order.recorded", "order.paid"]
    [recorded] = await published(customers_app, "order.recorded")
    assert recorded.data["source"] == "api" and recorded.data["status"] == "paid"
    [paid] = await published(customers_app, "order.paid")
    assert paid.data["totalMinor"] == 119_48 and paid.data["customerId"] == customer_id
    assert [i["sku"] for i in paid.data["items"]] == ["DR-001", "SC-002"]


async def test_a_pending_order_is_paid_once_however_far_it_moves(api, customers_app):
    customer_id = await new_customer(api)
    order = (await api.post(f"/customers/{customer_id}/orders", json=order_body(status="pending"))).json()
    assert order["paidAt"] is None
    assert await published_for_order(customers_app, order["id"]) == ["order.recorded"]
    path = f"/customers/{customer_id}/orders/{order['id']}"

    paid = (await api.patch(path, json={"status": "paid"})).json()
    assert paid["paidAt"] is not None
    assert (await api.patch(path, json={"status": "paid"})).json()["paidAt"] == paid["paidAt"]  # paying twice
    for status in ("shipped", "delivered"):
        assert (await api.patch(path, json={"status": status})).status_code == 200

    assert await published_for_order(customers_app, order["id"]) == [
        "order.recorded", "order.status.changed", "order.paid", "order.status.changed", "order.status.changed"]


async def test_shipped_and_delivered_orders_count_as_paid_when_recorded(api, customers_app):
    customer_id = await new_customer(api)
    for status in ("shipped", "delivered"):
        order = (await api.post(f"/customers/{customer_id}/orders", json=order_body(status=status))).json()
        assert await published_for_order(customers_app, order["id"]) == ["order.recorded", "order.paid"]


async def test_a_storefront_order_is_recorded_and_paid_like_an_api_order(api, customers_app):
    customer_id = await new_customer(api)
    runtime = customers_app.state.runtime
    paid, pending = storefront_order(customer_id), storefront_order(customer_id, status="pending")
    for event in (paid, pending, paid):  # the paid one delivered twice (two envelopes)
        assert await runtime.dispatch(from_storefront(event)) == "handled"

    assert await published_for_order(customers_app, paid.order_id) == ["order.recorded", "order.paid"]
    assert await published_for_order(customers_app, pending.order_id) == ["order.recorded"]
    sources = {e.data["orderId"]: e.data["source"] for e in await published(customers_app, "order.recorded")}
    assert sources == {paid.order_id: "storefront", pending.order_id: "storefront"}

    path = f"/customers/{customer_id}/orders/{pending.order_id}"
    assert (await api.patch(path, json={"status": "paid"})).status_code == 200
    assert (await api.patch(path, json={"status": "shipped"})).status_code == 200
    assert await published_for_order(customers_app, pending.order_id) == [
        "order.recorded", "order.status.changed", "order.paid", "order.status.changed"]
    customer = (await api.get(f"/customers/{customer_id}")).json()
    assert customer["totalOrders"] == 2 and customer["totalSpent"] == 100.0


async def test_the_service_never_publishes_order_placed(api, customers_app):
    assert contracts.OrderPlaced not in PUBLISHES
    assert {contracts.OrderRecorded, contracts.OrderPaid, contracts.OrderItemsReturned} <= set(PUBLISHES)
    customer_id = await new_customer(api)
    order = (await api.post(f"/customers/{customer_id}/orders", json=order_body())).json()
    await api.patch(f"/customers/{customer_id}/orders/{order['id']}", json={"status": "refunded"})
    await customers_app.state.runtime.dispatch(from_storefront(storefront_order(customer_id)))
    assert await published(customers_app, "order.placed") == []
    assert len(await published(customers_app, "order.recorded")) == 2


async def test_a_storefront_order_in_a_status_no_new_order_has_is_refused(api, customers_app):
    customer_id = await new_customer(api)
    with pytest.raises(PoisonMessage, match="VALIDATION"):
        await customers_app.state.runtime.dispatch(from_storefront(storefront_order(customer_id, status="refunded")))
    assert (await api.get(f"/customers/{customer_id}")).json()["totalOrders"] == 0


async def test_a_suspended_customers_orders_are_still_recorded_and_counted(api, customers_app):
    customer_id = await new_customer(api, status="suspended")
    response = await api.post(f"/customers/{customer_id}/orders", json=order_body())
    assert response.status_code == 201
    customer = (await api.get(f"/customers/{customer_id}")).json()
    assert customer["totalOrders"] == 1 and customer["totalSpent"] == 119.48
    assert await published_for_order(customers_app, response.json()["id"]) == ["order.recorded", "order.paid"]
