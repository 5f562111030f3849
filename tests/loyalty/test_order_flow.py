"""Orders the customers service says were paid earn points in loyalty, refunds take them back; over the real
broker where it matters."""
import uuid

import pytest

from shared.bus.publisher import Publisher
from shared.events import contracts
from shared.events.envelope import Envelope, UnknownEvent
from tests.conftest import eventually
from tests.customers.factories import customer_body
from tests.loyalty.support import consuming, deliver, ledger_sum, member, order_paid, order_placed, order_refunded


async def _customer_known_to_loyalty(api, loyalty_api, *apps) -> str:
    await consuming(*apps)
    customer_id = (await api.post("/customers", json=customer_body())).json()["id"]

    async def known() -> bool:
        return await apps[-1].state.deps.members.get(customer_id) is not None
    await eventually(known, what="loyalty to learn of the customer from customer.created")
    return customer_id


async def _points(loyalty_api, customer_id: str) -> int:
    return (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"]


async def _publish(service_env, *messages: tuple[bytes, str, str]) -> None:
    """Publishes (body, routing key, message id) as the customers service's relay would."""
    publisher = Publisher(service_env["amqp_url"], service_env["events_exchange"], 5.0)
    try:
        for body, routing_key, message_id in messages:
            await publisher.publish(body, routing_key=routing_key, message_id=message_id)
    finally:
        await publisher.close()


async def test_order_paid_credits_points_once_even_when_delivered_twice(api, loyalty_api, loyalty_app, customers_app,
                                                                        service_env):
    customer_id = await _customer_known_to_loyalty(api, loyalty_api, customers_app, loyalty_app)
    paid = Envelope.wrap(order_paid(customer_id, 119_48, order_id="shop-1"), source="customers")
    # The broker delivers the same envelope twice, and the order is published again in a new envelope.
    again = Envelope.wrap(order_paid(customer_id, 119_48, order_id="shop-1"), source="customers")
    await _publish(service_env, *[(paid.to_json(), "order.paid", paid.id)] * 2,
                   (again.to_json(), "order.paid", again.id))
    inbox = loyalty_app.state.runtime.inbox

    async def both_handled() -> bool:
        return await inbox.seen(paid.id) and await inbox.seen(again.id)
    await eventually(both_handled, what="both envelopes to be handled")

    assert await _points(loyalty_api, customer_id) == 119
    ledger = (await loyalty_api.get(f"/customers/{customer_id}/loyalty/ledger")).json()
    assert [(e["kind"], e["points"], e["orderId"]) for e in ledger["items"]] == [("earn", 119, "shop-1")]

    async def read_model_updated() -> bool:
        customer = (await api.get(f"/customers/{customer_id}")).json()
        return customer["loyaltyPoints"] == 119
    await eventually(read_model_updated, what="customers to keep loyaltyPoints")
    timeline = (await api.get(f"/customers/{customer_id}/activity")).json()["items"]
    assert [e["summary"] for e in timeline if e["type"] == "loyalty.points"] == ["+119 points: Order shop-1"]


async def test_order_placed_is_not_loyaltys_to_earn_from(loyalty_app):
    customer_id = await member(loyalty_app)
    with pytest.raises(UnknownEvent):
        await deliver(loyalty_app, order_placed(customer_id, 100_00), source="storefront")
    assert await loyalty_app.state.deps.accounts.get(customer_id) is None


async def test_refund_takes_the_points_back_and_tier_falls(api, loyalty_api, loyalty_app, customers_app, service_env):
    customer_id = await _customer_known_to_loyalty(api, loyalty_api, customers_app, loyalty_app)
    order = order_paid(customer_id, 640_00)
    paid = Envelope.wrap(order, source="customers")
    await _publish(service_env, (paid.to_json(), "order.paid", paid.id))

    async def silver() -> bool:
        customer = (await api.get(f"/customers/{customer_id}")).json()
        return customer["loyaltyTier"] == "silver" and customer["loyaltyPoints"] == 640
    await eventually(silver, what="the tier to rise to silver and 640 points on the customer")

    refund = Envelope.wrap(order_refunded(customer_id, order.order_id, 640_00), source="customers")
    await _publish(service_env, (refund.to_json(), "order.refunded", refund.id))

    async def back_to_bronze() -> bool:
        customer = (await api.get(f"/customers/{customer_id}")).json()
        return customer["loyaltyTier"] == "bronze" and customer["loyaltyPoints"] == 0
    await eventually(back_to_bronze, what="the refund to claw the points back")
    account = (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()
    assert account["lifetimePoints"] == 0 and account["shortfall"] == 0
    kinds = [e["type"] for e in (await api.get(f"/customers/{customer_id}/activity")).json()["items"]]
    assert kinds.count("loyalty.tier") == 2 and kinds.count("loyalty.points") == 2


async def test_clawback_beyond_the_balance_records_the_shortfall(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    order = order_paid(customer_id, 40_000)  # 400 points
    await deliver(loyalty_app, order)
    spent = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                   json={"rewardId": "default-free-shipping"})  # 300 points
    assert spent.status_code == 201
    refund = order_refunded(customer_id, order.order_id, 40_000)
    await deliver(loyalty_app, refund)
    await deliver(loyalty_app, refund)  # a second envelope for the same refund changes nothing
    account = (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()
    assert account["points"] == 0 and account["shortfall"] == 300 and account["lifetimePoints"] == 0
    ledger = (await loyalty_api.get(f"/customers/{customer_id}/loyalty/ledger")).json()["items"]
    assert [(e["kind"], e["points"], e["shortfall"]) for e in ledger] == [
        ("clawback", -100, 300), ("redeem", -300, None), ("earn", 400, None)]
    assert await ledger_sum(loyalty_app, customer_id) == 0


async def test_same_envelope_dispatched_twice_earns_once(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    event_id = str(uuid.uuid4())
    order = order_paid(customer_id, 25_050)
    await deliver(loyalty_app, order, event_id=event_id)
    await deliver(loyalty_app, order, event_id=event_id)
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"] == 250


async def test_deleted_customer_keeps_history_and_stays_unknown(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await deliver(loyalty_app, order_paid(customer_id, 100_00))
    await deliver(loyalty_app, contracts.CustomerDeleted(customerId=customer_id))
    await deliver(loyalty_app, order_paid(customer_id, 100_00))  # a late order event earns nothing
    await deliver(loyalty_app, contracts.CustomerCreated(  # nor does a late customer.created bring them back
        customerId=customer_id, firstName="Ada", lastName="Lovelace", email="ada@example.com", status="active",
        emailOptIn=True, smsOptIn=False, pushOptIn=False))
    for response in [await loyalty_api.get(f"/customers/{customer_id}/loyalty"),
                     await loyalty_api.get(f"/customers/{customer_id}/loyalty/ledger"),
                     await loyalty_api.post(f"/customers/{customer_id}/loyalty/points", json={"points": 5,
                                                                                             "reason": "x"}),
                     await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                            json={"rewardId": "default-free-shipping"})]:
        assert response.status_code == 404 and response.json()["error"]["field"] == "customerId", response.text
    account = await loyalty_app.state.deps.accounts.get(customer_id)
    assert account.balance == 100 and account.deleted is True
    assert await ledger_sum(loyalty_app, customer_id) == 100


async def test_the_customers_service_drives_earning_returns_and_refunds(api, loyalty_api, loyalty_app, customers_app):
    """End to end: customers records a paid order, a return of some items and the refund; loyalty follows."""
    customer_id = await _customer_known_to_loyalty(api, loyalty_api, customers_app, loyalty_app)
    pending = await api.post(f"/customers/{customer_id}/orders", json={"status": "pending", "items": [
        {"sku": "SH-1", "name": "Shirt", "quantity": 3, "unitPrice": 40}, {"sku": "CT-1", "name": "Coat", "quantity": 1,
                                                                          "unitPrice": 180}]})  # 300.00
    assert pending.status_code == 201, pending.text
    order_id = pending.json()["id"]
    paid = await api.patch(f"/customers/{customer_id}/orders/{order_id}", json={"status": "paid"})
    assert paid.status_code == 200, paid.text

    async def points_are(points: int) -> bool:
        return await _points(loyalty_api, customer_id) == points
    await eventually(lambda: points_are(300), what="300 points once the order is paid")

    returned = await api.post(f"/customers/{customer_id}/orders/{order_id}/returns",
                              json={"id": "ret-1", "items": [{"sku": "SH-1", "quantity": 2}], "reason": "too small"})
    assert returned.status_code == 201, returned.text
    await eventually(lambda: points_are(220), what="the two shirts' 80 points taken back")
    await api.patch(f"/customers/{customer_id}/orders/{order_id}", json={"status": "refunded"})
    await eventually(lambda: points_are(0), what="the refund to take back the 220 left")
    ledger = (await loyalty_api.get(f"/customers/{customer_id}/loyalty/ledger")).json()["items"]
    assert [(e["kind"], e["points"]) for e in ledger] == [("clawback", -220), ("clawback", -80), ("earn", 300)]
