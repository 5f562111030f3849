"""Status means something: a suspended customer earns nothing (also once the suspension ends), is not credited and
redeems nothing; their account can still be read."""
from datetime import timedelta

from shared.events import contracts
from shared.events.envelope import Envelope
from tests.loyalty.support import add_points, deliver, ledger_sum, member, order_paid, set_status

SUSPENDED = {"code": "CUSTOMER_SUSPENDED", "message": "", "field": "customerId"}


def _error(response) -> dict:
    return {**response.json()["error"], "message": ""}


async def test_a_suspended_customers_paid_order_earns_nothing_ever(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await set_status(loyalty_app, customer_id, "suspended")
    order = order_paid(customer_id, 500_00)
    await deliver(loyalty_app, order)
    await set_status(loyalty_app, customer_id, "active")
    await deliver(loyalty_app, order)  # published again after the suspension ended: still nothing
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"] == 0
    assert await ledger_sum(loyalty_app, customer_id) == 0
    seen = await loyalty_app.state.deps.paid_orders.get(order.order_id, None)
    assert seen.outcome == "suspended" and seen.points == 0

    await deliver(loyalty_app, order_paid(customer_id, 120_00))  # active again: new orders earn
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"] == 120


async def test_a_batch_skips_the_suspended_customers_orders_only(loyalty_app):
    active, suspended = await member(loyalty_app), await member(loyalty_app)
    await set_status(loyalty_app, suspended, "suspended")
    envelopes = [Envelope.wrap(order_paid(customer_id, 100_00), source="customers")
                 for customer_id in (active, suspended, active)]
    assert await loyalty_app.state.runtime.dispatch_batch(envelopes) == ["handled"] * 3
    accounts = loyalty_app.state.deps.accounts
    assert (await accounts.get(active)).balance == 200 and await accounts.get(suspended) is None


async def test_a_suspended_customer_is_not_credited_and_redeems_nothing(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 1000)
    await set_status(loyalty_app, customer_id, "suspended")
    credit = await loyalty_api.post(f"/customers/{customer_id}/loyalty/points", json={"points": 5, "reason": "x"})
    redeem = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                    json={"rewardId": "default-free-shipping"})
    for response in (credit, redeem):
        assert response.status_code == 409 and _error(response) == SUSPENDED, response.text
    account = (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()  # reading is fine
    assert account["points"] == 1000
    assert await loyalty_app.state.deps.redemptions.collection.count_documents({"customerId": customer_id}) == 0

    await set_status(loyalty_app, customer_id, "inactive")  # dormant is not blocked
    assert (await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                   json={"rewardId": "default-free-shipping"})).status_code == 201
    await add_points(loyalty_api, customer_id, 5)
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"] == 705


async def test_an_older_status_delivered_late_does_not_undo_a_newer_one(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    suspended = Envelope.wrap(contracts.CustomerUpdated(
        customerId=customer_id, firstName="Ada", lastName="Lovelace", email="ada@example.com", status="suspended",
        emailOptIn=True, smsOptIn=False, pushOptIn=False), source="customers")
    earlier = suspended.model_copy(update={
        "id": "earlier", "occurred_at": suspended.occurred_at - timedelta(seconds=5),
        "data": {**suspended.data, "status": "active"}})
    await loyalty_app.state.runtime.dispatch(suspended)
    await loyalty_app.state.runtime.dispatch(earlier)
    credit = await loyalty_api.post(f"/customers/{customer_id}/loyalty/points", json={"points": 5, "reason": "x"})
    assert credit.status_code == 409 and _error(credit) == SUSPENDED
