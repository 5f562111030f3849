"""The fakes keep the contracts the handlers rely on: a rolled-back transaction leaves nothing, unique keys raise the
driver's errors, conditional updates match nothing rather than create, and writes need their live session."""
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.customers.store.orders import OrderAlreadyRecorded
from services.loyalty.domain.records import AccountChange, LedgerEntry, Standing
from shared.events import contracts
from tests.unit.fakes.customers import FakeOrderStore
from tests.unit.fakes.loyalty import FakeAccountStore, FakeLedgerStore
from tests.unit.fakes.runtime import FakeRuntime, FakeSession

EVENT = contracts.OrderStatusChanged(orderId="o-1", customerId="ada", previousStatus="paid", status="shipped")


async def test_a_transaction_that_raises_takes_back_its_writes_and_its_events():
    orders = FakeOrderStore()
    runtime = FakeRuntime("customers", [orders])

    async def work(session):
        await orders.insert({"_id": "o-1", "status": "paid"}, session)
        await runtime.outbox.add(session, EVENT)
        raise ValueError("a rule said no")

    with pytest.raises(ValueError):
        await runtime.transaction(work)

    assert orders.docs == {} and runtime.outbox.events == []
    assert (runtime.committed, runtime.rolled_back) == (0, 1)


async def test_a_committed_transaction_keeps_its_events_with_their_correlation_id():
    runtime = FakeRuntime("customers", [])

    await runtime.transaction(lambda session: runtime.outbox.add(session, EVENT, correlation_id="req-1"))

    [record] = runtime.outbox.records
    assert (record.type, record.source, record.correlation_id) == ("order.status.changed", "customers", "req-1")


async def test_a_write_with_a_session_whose_transaction_ended_is_refused():
    runtime, orders = FakeRuntime("customers", []), FakeOrderStore()
    kept = await runtime.transaction(lambda session: _return(session))
    with pytest.raises(AssertionError):
        await orders.insert({"_id": "o-1", "status": "paid"}, kept)


async def _return(session):
    return session


async def test_unique_keys_raise_what_the_real_stores_raise():
    session = FakeSession()
    ledger, orders = FakeLedgerStore(), FakeOrderStore()
    earn = LedgerEntry(id="e-1", customer_id="ada", program_id="default", period="2026-Q4", kind="earn", points=10,
                       balance_after=10, reason="Order o-1", source_type="event", source_id="ev-1",
                       created_at=datetime(2026, 11, 29, tzinfo=timezone.utc), order_id="o-1")
    await ledger.insert(earn, session)
    await ledger.insert(replace(earn, id="c-1", kind="clawback", return_id="r-1"), session)
    await ledger.insert(replace(earn, id="c-2", kind="clawback", return_id="r-2"), session)

    with pytest.raises(DuplicateKeyError):
        await ledger.insert(replace(earn, id="e-2"), session)
    with pytest.raises(BulkWriteError):
        await ledger.insert_many([replace(earn, id="c-3", kind="clawback", return_id="r-1")], session)
    await orders.insert({"_id": "o-1", "status": "paid"}, session)
    with pytest.raises(OrderAlreadyRecorded):
        await orders.insert({"_id": "o-1", "status": "pending"}, session)


async def test_a_conditional_account_change_matches_nothing_and_creates_nothing():
    session, accounts = FakeSession(), FakeAccountStore()
    standing = Standing(qualifying_points=0, period_key="default:2026-Q4", program_id="default", tier="bronze",
                        updated_at=datetime(2026, 11, 29, tzinfo=timezone.utc))

    assert await accounts.apply("ada", AccountChange(standing, balance=-5, debited=5), session,
                                require_balance=5) is None
    assert await accounts.get("ada") is None
    created = await accounts.apply("ada", AccountChange(standing, balance=3, credited=3), session)
    assert (created.balance, created.lifetime_points, created.tier) == (3, 0, "bronze")
    assert await accounts.apply("ada", AccountChange(standing, balance=-5, debited=5), session,
                                require_balance=5) is None
    assert (await accounts.get("ada")).balance == 3
