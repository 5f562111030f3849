"""order.paid events handled as one batch earn exactly what they earn one by one (tiers, versions, events)."""
import uuid

from shared.events import contracts
from shared.events.envelope import Envelope
from tests.loyalty.support import deliver, member, order_paid

AMOUNTS = [300_00, 300_00, 200_00]  # the second order reaches silver; the third earns at 1.25x


async def _standing(app, customer_id: str) -> tuple:
    deps = app.state.deps
    account = await deps.accounts.get(customer_id)
    ledger = await deps.ledger.collection.find({"customerId": customer_id}).sort("balanceAfter").to_list()
    outbox = await app.state.runtime.outbox.collection.find().sort("createdAt").to_list()
    events = [Envelope.model_validate_json(r["body"]) for r in outbox]
    announced = [(e.type, e.data.get("delta"), e.data.get("balance"), e.data.get("tier"), e.data["accountVersion"])
                 for e in events if e.data.get("customerId") == customer_id]
    return ((account.balance, account.lifetime_points, account.credited, account.qualifying_points, account.tier,
             account.version),
            [(e["kind"], e["points"], e["balanceAfter"], e["baseMinor"]) for e in ledger], announced)


async def test_a_batch_earns_what_the_same_orders_earn_one_by_one(loyalty_app):
    one_by_one, batched, gone = await member(loyalty_app), await member(loyalty_app), await member(loyalty_app)
    for amount in AMOUNTS:
        await deliver(loyalty_app, order_paid(one_by_one, amount))
    await deliver(loyalty_app, contracts.CustomerDeleted(customerId=gone))
    orders = [order_paid(batched, amount) for amount in AMOUNTS]
    envelopes = [Envelope.wrap(o, source="customers") for o in orders]
    envelopes.insert(1, Envelope.wrap(orders[0], source="customers"))  # the order was published again
    envelopes.append(Envelope.wrap(order_paid(gone, 50_00), source="customers"))  # a late order of a deleted one
    newcomer = str(uuid.uuid4())
    envelopes.append(Envelope.wrap(order_paid(newcomer, 10_00), source="customers"))  # first heard of here

    outcomes = await loyalty_app.state.runtime.dispatch_batch(envelopes)

    assert outcomes == ["handled"] * len(envelopes)
    assert await _standing(loyalty_app, batched) == await _standing(loyalty_app, one_by_one)
    assert await loyalty_app.state.deps.accounts.get(gone) is None
    assert (await loyalty_app.state.deps.accounts.get(newcomer)).balance == 10
    assert await loyalty_app.state.runtime.inbox.seen_many([e.id for e in envelopes]) == {e.id for e in envelopes}


async def test_a_batch_never_earns_twice_for_an_order_already_earned(loyalty_app):
    customer_id = await member(loyalty_app)
    order = order_paid(customer_id, 120_00)
    first = await deliver(loyalty_app, order)
    again = [first, Envelope.wrap(order, source="customers"), Envelope.wrap(order_paid(customer_id, 30_00),
                                                                            source="customers")]

    outcomes = await loyalty_app.state.runtime.dispatch_batch(again)

    assert outcomes == ["duplicate", "handled", "handled"]
    account = await loyalty_app.state.deps.accounts.get(customer_id)
    assert account.balance == 150 and account.version == 2
