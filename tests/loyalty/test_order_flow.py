"""Orders recorded by the customers service earn and lose points in loyalty, over the real broker."""
import uuid

from shared.bus.publisher import Publisher
from shared.events import contracts
from shared.events.envelope import Envelope
from tests.conftest import eventually
from tests.customers.factories import customer_body
from tests.loyalty.support import consuming, deliver, ledger_sum, member, order_placed, order_refunded

ITEM = {"sku": "DR-1", "name": "Linen dress", "quantity": 2, "unitPrice": 59.74}  # 119.48


async def _customer_known_to_loyalty(api, loyalty_api, *apps) -> str:
    await consuming(*apps)
    customer_id = (await api.post("/customers", json=customer_body())).json()["id"]

    async def known() -> bool:
        return (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).status_code == 200
    await eventually(known, what="loyalty to learn of the customer")
    return customer_id


async def _points(loyalty_api, customer_id: str) -> int:
    return (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"]


async def test_order_credits_points_once_even_when_delivered_twice(api, loyalty_api, loyalty_app, customers_app,
                                                                   service_env):
    customer_id = await _customer_known_to_loyalty(api, loyalty_api, customers_app, loyalty_app)
    order = await api.post(f"/customers/{customer_id}/orders", json={"id": "shop-1", "items": [ITEM]})
    assert order.status_code == 201

    async def credited() -> bool:
        return await _points(loyalty_api, customer_id) == 119
    await eventually(credited, what="119 points for a 119.48 order")

    # The broker delivers the same envelope again, and the storefront re-sends the order in a new envelope.
    record = await customers_app.state.runtime.outbox.collection.find_one({"routingKey": "order.placed"})
    original = Envelope.model_validate_json(record["body"])
    resent = Envelope.wrap(contracts.OrderPlaced.model_validate(original.data), source="storefront")
    publisher = Publisher(service_env["amqp_url"], service_env["events_exchange"], 5.0)
    try:
        for body, message_id in [(record["body"].encode(), record["_id"])] * 2 + [(resent.to_json(), resent.id)]:
            await publisher.publish(body, routing_key="order.placed", message_id=message_id)
    finally:
        await publisher.close()
    inbox = loyalty_app.state.runtime.inbox

    async def resent_handled() -> bool:
        return await inbox.seen(resent.id)
    await eventually(resent_handled, what="the re-sent order to be handled")

    assert await _points(loyalty_api, customer_id) == 119
    ledger = (await loyalty_api.get(f"/customers/{customer_id}/loyalty/ledger")).json()
    assert [(e["kind"], e["points"], e["orderId"]) for e in ledger["items"]] == [("earn", 119, "shop-1")]

    async def read_model_updated() -> bool:
        customer = (await api.get(f"/customers/{customer_id}")).json()
        return customer["loyaltyPoints"] == 119
    await eventually(read_model_updated, what="customers to keep loyaltyPoints")
    timeline = (await api.get(f"/customers/{customer_id}/activity")).json()["items"]
    assert [e["summary"] for e in timeline if e["type"] == "loyalty.points"] == ["+119 points: Order shop-1"]


async def test_refund_takes_the_points_back_and_tier_falls(api, loyalty_api, loyalty_app, customers_app):
    customer_id = await _customer_known_to_loyalty(api, loyalty_api, customers_app, loyalty_app)
    big = (await api.post(f"/customers/{customer_id}/orders", json={
        "items": [{"sku": "CT-1", "name": "Coat", "quantity": 1, "unitPrice": 640}]})).json()

    async def silver() -> bool:
        customer = (await api.get(f"/customers/{customer_id}")).json()
        return customer["loyaltyTier"] == "silver" and customer["loyaltyPoints"] == 640
    await eventually(silver, what="the tier to rise to silver and 640 points on the customer")

    await api.patch(f"/customers/{customer_id}/orders/{big['id']}", json={"status": "refunded"})

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
    order = order_placed(customer_id, 40_000)  # 400 points
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
    order = order_placed(customer_id, 25_050)
    await deliver(loyalty_app, order, event_id=event_id)
    await deliver(loyalty_app, order, event_id=event_id)
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"] == 250


async def test_deleted_customer_loses_account_and_stays_unknown(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await deliver(loyalty_app, order_placed(customer_id, 10_000))
    await deliver(loyalty_app, contracts.CustomerDeleted(customerId=customer_id))
    await deliver(loyalty_app, order_placed(customer_id, 10_000))  # late order event
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).status_code == 404
    assert await loyalty_app.state.deps.accounts.get(customer_id) is None
    assert await ledger_sum(loyalty_app, customer_id) == 0
