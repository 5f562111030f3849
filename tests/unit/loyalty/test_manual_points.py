"""Manual credits and deductions against the in-memory stores: the entry, the account and the events, and what a
refusal leaves behind (nothing)."""
from datetime import timedelta

import pytest

from services.loyalty.domain.codes import PointsDeduct
from services.loyalty.domain.commands import InsufficientPoints, PointsAdd, ProgramInactive
from services.loyalty.domain.documents import default_program
from services.loyalty.handlers.deductions import deduct
from services.loyalty.handlers.deps import utcnow
from services.loyalty.handlers.members import CustomerSuspended
from services.loyalty.handlers.points import add_points
from shared.errors import Conflict, NotFound
from shared.events import contracts
from tests.unit.fakes.loyalty import FakeCustomersClient, loyalty_deps


@pytest.fixture
def deps():
    deps = loyalty_deps(customers=FakeCustomersClient({"ada": "active", "sus": "suspended", "new": "active"}))
    deps.programs.put(default_program(utcnow()))
    return deps


def credit(points: int, reason: str = "goodwill", request_id: str | None = None) -> PointsAdd:
    return PointsAdd(points=points, reason=reason, requestId=request_id)


def debit(points: int, reason: str = "fraud correction", request_id: str | None = None) -> PointsDeduct:
    return PointsDeduct(points=points, reason=reason, requestId=request_id)


async def test_a_credit_writes_one_entry_moves_the_account_and_announces_it(deps):
    entry, account = await add_points(deps, "ada", credit(120))

    assert (entry.kind, entry.points, entry.balance_after, entry.reason) == ("adjust", 120, 120, "goodwill")
    assert entry.expires_at - entry.created_at == timedelta(days=deps.settings.points_expiry_days)
    stored = await deps.accounts.get("ada")
    assert stored == account
    assert (stored.balance, stored.lifetime_points, stored.qualifying_points, stored.credited,
            stored.debited, stored.tier, stored.version) == (120, 120, 120, 120, 0, "bronze", 1)
    [changed] = deps.runtime.outbox.events
    assert isinstance(changed, contracts.LoyaltyPointsChanged)
    assert (changed.delta, changed.balance, changed.entry_id, changed.account_version) == (120, 120, entry.id, 1)


async def test_reaching_a_tier_threshold_announces_the_tier_change_once(deps):
    await add_points(deps, "ada", credit(499))
    assert deps.runtime.outbox.types() == ["loyalty.points.changed"]

    _, account = await add_points(deps, "ada", credit(1))

    assert account.tier == "silver"
    [tier_changed] = deps.runtime.outbox.of_type(contracts.LoyaltyTierChanged)
    assert (tier_changed.previous_tier, tier_changed.tier, tier_changed.account_version) == ("bronze", "silver", 2)


async def test_the_same_request_id_credits_once(deps):
    first, _ = await add_points(deps, "ada", credit(50, request_id="r-1"))
    again, account = await add_points(deps, "ada", credit(50, request_id="r-1"))

    assert again.id == first.id
    assert account.balance == 50
    assert len(deps.ledger.entries_of("ada")) == 1
    assert len(deps.runtime.outbox.events) == 1


async def test_a_suspended_customer_is_not_credited_and_nothing_is_written(deps):
    with pytest.raises(CustomerSuspended) as refused:
        await add_points(deps, "sus", credit(10))

    assert (refused.value.code, refused.value.field) == ("CUSTOMER_SUSPENDED", "customerId")
    assert await deps.accounts.get("sus") is None
    assert deps.ledger.entries_of("sus") == []
    assert deps.runtime.outbox.events == []


async def test_an_unheard_of_customer_is_asked_once_and_remembered(deps):
    await add_points(deps, "new", credit(5))
    await add_points(deps, "new", credit(5))

    assert deps.customers.asked == ["new"]
    member = await deps.members.get("new")
    assert (member.status, member.learnt_from, member.deleted) == ("active", "lookup", False)
    assert (await deps.accounts.get("new")).balance == 10


async def test_a_customer_the_customers_service_does_not_know_is_a_404(deps):
    with pytest.raises(NotFound):
        await add_points(deps, "ghost", credit(5))
    assert await deps.members.get("ghost") is None


async def test_no_active_program_refuses_the_credit(deps):
    deps.programs.docs.clear()
    with pytest.raises(ProgramInactive):
        await add_points(deps, "ada", credit(5))
    assert deps.ledger.docs == {}


async def test_a_deduction_never_takes_the_balance_below_zero(deps):
    await add_points(deps, "ada", credit(100))
    events_before = deps.runtime.outbox.events

    with pytest.raises(InsufficientPoints) as refused:
        await deduct(deps, "ada", debit(101))

    assert refused.value.field == "points"
    assert "100 available" in refused.value.message
    assert (await deps.accounts.get("ada")).balance == 100
    assert [e["kind"] for e in deps.ledger.entries_of("ada")] == ["adjust"]
    assert deps.runtime.outbox.events == events_before
    assert deps.runtime.rolled_back == 1


async def test_deducting_the_whole_balance_leaves_zero_and_keeps_tier_and_lifetime(deps):
    await add_points(deps, "ada", credit(600))

    entry, account = await deduct(deps, "ada", debit(600))

    assert (entry.kind, entry.points, entry.balance_after) == ("deduct", -600, 0)
    assert (account.balance, account.debited, account.credited) == (0, 600, 600)
    # A deduction is not a refund: what was earned and the tier it reached stay.
    assert (account.lifetime_points, account.qualifying_points, account.tier) == (600, 600, "silver")
    last = deps.runtime.outbox.events[-1]
    assert isinstance(last, contracts.LoyaltyPointsChanged) and (last.delta, last.balance) == (-600, 0)
    assert deps.runtime.outbox.types().count("loyalty.tier.changed") == 1  # from the credit, none from the deduction


async def test_a_customer_without_an_account_has_nothing_to_deduct(deps):
    with pytest.raises(InsufficientPoints) as refused:
        await deduct(deps, "ada", debit(1))
    assert "0 available" in refused.value.message


async def test_a_request_id_used_for_a_credit_is_not_reused_for_a_deduction(deps):
    await add_points(deps, "ada", credit(100, request_id="same"))

    with pytest.raises(Conflict) as refused:
        await deduct(deps, "ada", debit(10, request_id="same"))

    assert refused.value.field == "requestId"
    assert (await deps.accounts.get("ada")).balance == 100


async def test_a_deduction_sent_twice_with_its_request_id_deducts_once(deps):
    await add_points(deps, "ada", credit(100))
    first, _ = await deduct(deps, "ada", debit(30, request_id="d-1"))
    again, account = await deduct(deps, "ada", debit(30, request_id="d-1"))

    assert again.id == first.id
    assert account.balance == 70
