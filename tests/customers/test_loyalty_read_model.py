"""loyaltyPoints and loyaltyTier on the customer follow the loyalty account, also when events arrive out of order."""
from shared.events import contracts
from shared.events.envelope import Envelope
from tests.customers.factories import customer_body


def _points(customer_id: str, balance: int, version: int) -> Envelope:
    return Envelope.wrap(contracts.LoyaltyPointsChanged(
        customerId=customer_id, delta=10, balance=balance, lifetimePoints=balance, reason="Purchase bonus",
        entryId=f"e{version}", accountVersion=version), source="loyalty")


async def test_an_older_points_event_does_not_overwrite_a_newer_balance(api, customers_app):
    customer = (await api.post("/customers", json=customer_body())).json()
    dispatch = customers_app.state.runtime.dispatch
    assert await dispatch(_points(customer["id"], balance=50, version=2)) == "handled"
    assert await dispatch(_points(customer["id"], balance=10, version=1)) == "handled"
    fetched = (await api.get(f"/customers/{customer['id']}")).json()
    assert fetched["loyaltyPoints"] == 50
    timeline = (await api.get(f"/customers/{customer['id']}/activity")).json()
    assert [e["type"] for e in timeline["items"]].count("loyalty.points") == 2


async def test_tier_changes_show_on_the_customer(api, customers_app):
    customer = (await api.post("/customers", json=customer_body())).json()
    event = contracts.LoyaltyTierChanged(customerId=customer["id"], previousTier="bronze", tier="gold",
                                         accountVersion=3)
    await customers_app.state.runtime.dispatch(Envelope.wrap(event, source="loyalty"))
    stale = contracts.LoyaltyTierChanged(customerId=customer["id"], previousTier="bronze", tier="silver",
                                         accountVersion=2)
    await customers_app.state.runtime.dispatch(Envelope.wrap(stale, source="loyalty"))
    assert (await api.get(f"/customers/{customer['id']}")).json()["loyaltyTier"] == "gold"
