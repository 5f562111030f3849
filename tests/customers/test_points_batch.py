"""loyalty.points.changed events handled as one batch end as one by one: the read model keeps the highest
accountVersion's balance, every change is on the timeline, a deleted customer is skipped."""
from shared.events import contracts
from shared.events.envelope import Envelope
from tests.customers.order_support import new_customer, published

CHANGES = [(50, 50, 1), (30, 80, 3), (10, 90, None), (-20, 70, 2)]  # (delta, balance, accountVersion); v2 comes late


def _events(customer_id: str) -> list[Envelope]:
    return [Envelope.wrap(contracts.LoyaltyPointsChanged(
        customerId=customer_id, delta=delta, balance=balance, lifetimePoints=balance + 5, reason=f"change {i}",
        entryId=f"e-{i}", accountVersion=version), source="loyalty") for i, (delta, balance, version) in
        enumerate(CHANGES)]


async def _read_model(api, app, customer_id: str) -> tuple:
    customer = (await api.get(f"/customers/{customer_id}")).json()
    timeline = (await api.get(f"/customers/{customer_id}/activity")).json()["items"]
    announced = [e.data["summary"] for e in await published(app, "customer.activity.recorded")
                 if e.data["customerId"] == customer_id and e.data["kind"] == "loyalty.points"]
    return (customer["loyaltyPoints"], sorted(e["summary"] for e in timeline if e["type"] == "loyalty.points"),
            sorted(announced))


async def test_a_batch_of_points_changes_ends_as_one_by_one(api, customers_app):
    runtime = customers_app.state.runtime
    single, batched, gone = await new_customer(api), await new_customer(api), await new_customer(api)
    assert (await api.delete(f"/customers/{gone}")).status_code == 204
    for envelope in _events(single):
        assert await runtime.dispatch(envelope) == "handled"

    envelopes = _events(batched) + _events(gone)
    assert await runtime.dispatch_batch(envelopes) == ["handled"] * len(envelopes)

    expected = await _read_model(api, customers_app, single)
    assert expected[0] == 90  # version 3, then the unversioned change; the late version 2 is not shown
    assert len(expected[1]) == 4 and "-20 points: change 3" in expected[1]  # a stale one is still on the timeline
    assert await _read_model(api, customers_app, batched) == expected
    doc = await customers_app.state.deps.customers.get(batched)
    assert doc["loyaltyPointsVersion"] == 3 and doc["loyaltyLifetimePoints"] == 95
    # A delete erases (docs/data-rights.md): the tombstone keeps only pseudonymous figures, and points events
    # still in flight for it change those figures without bringing any personal data back.
    tombstone = await customers_app.state.deps.customers.get(gone)
    assert tombstone["status"] == "erased" and not {"email", "firstName", "phone"} & set(tombstone)
    assert (await api.get(f"/customers/{gone}")).status_code == 410
