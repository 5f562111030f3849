"""Points follow payment, against the in-memory stores: order.paid earns once, returns take back floor(E x R / B)
in all, a refund takes what is left, and what the balance can't cover is a shortfall, never a negative balance."""
from datetime import timedelta

import pytest

from services.loyalty.domain.codes import PointsDeduct
from services.loyalty.domain.documents import default_program
from services.loyalty.handlers.clawbacks import on_items_returned, on_order_refunded
from services.loyalty.handlers.deductions import deduct
from services.loyalty.handlers.deps import utcnow
from services.loyalty.handlers.earning import on_order_paid, on_orders_paid
from shared.events import contracts
from shared.events.envelope import Envelope
from tests.unit.fakes.loyalty import loyalty_deps

ITEM = {"sku": "TEE-1", "name": "Tee", "quantity": 1, "unitPriceMinor": 12345}


@pytest.fixture
async def deps():
    deps = loyalty_deps()
    deps.programs.put(default_program(utcnow()))
    for customer_id, status in (("ada", "active"), ("sus", "suspended")):
        await deps.members.remember(customer_id, status, utcnow() - timedelta(days=1), "event")
    return deps


def envelope(event) -> Envelope:
    return Envelope.wrap(event, source="customers")


def paid(order_id: str, total_minor: int = 12345, customer_id: str = "ada") -> contracts.OrderPaid:
    now = utcnow()
    return contracts.OrderPaid(orderId=order_id, customerId=customer_id,
                               items=[{**ITEM, "unitPriceMinor": total_minor}], totalMinor=total_minor,
                               currency="USD", placedAt=now, paidAt=now)


def returned(order_id: str, return_id: str, amount_minor: int,
             total_minor: int = 12345) -> contracts.OrderItemsReturned:
    return contracts.OrderItemsReturned(returnId=return_id, orderId=order_id, customerId="ada", items=[],
                                        amountMinor=amount_minor, orderTotalMinor=total_minor, reason="too small",
                                        returnedAt=utcnow())


def refunded(order_id: str, total_minor: int = 12345, customer_id: str = "ada") -> contracts.OrderRefunded:
    return contracts.OrderRefunded(orderId=order_id, customerId=customer_id, totalMinor=total_minor,
                                   refundedAt=utcnow(), reason="refunded")


async def handle(deps, handler, event) -> None:
    """As the runtime dispatches a consumed event: in one transaction."""
    await deps.transaction(lambda session: handler(deps, event, envelope(event), session))


async def balance(deps, customer_id: str = "ada") -> int:
    return (await deps.accounts.get(customer_id)).balance


async def test_a_paid_order_earns_whole_points_rounded_down_once(deps):
    event = paid("o-1", 12345)  # 123.45 units x 1 point x 100 %
    await handle(deps, on_order_paid, event)
    await handle(deps, on_order_paid, event)  # redelivered under another envelope id

    [earned] = deps.ledger.entries_of("ada")
    assert (earned["kind"], earned["points"], earned["orderId"], earned["baseMinor"]) == ("earn", 123, "o-1", 12345)
    assert await balance(deps) == 123
    state = await deps.paid_orders.get("o-1", None)
    assert (state.outcome, state.points, state.base_minor, state.earn_entry_id) == \
        ("earned", 123, 12345, earned["_id"])
    assert deps.runtime.outbox.types() == ["loyalty.points.changed"]


async def test_the_same_order_twice_in_one_batch_earns_once(deps):
    event = paid("o-1", 10000)
    await deps.transaction(lambda session: on_orders_paid(deps, [(event, envelope(event)), (event, envelope(event))],
                                                          session))
    assert await balance(deps) == 100
    assert len(deps.ledger.entries_of("ada", "earn")) == 1


async def test_the_tier_multiplier_applies_to_what_an_order_earns(deps):
    await handle(deps, on_order_paid, paid("o-1", 60000))  # 600 points: silver from now on
    await handle(deps, on_order_paid, paid("o-2", 10000))  # 100 units x 1.25

    assert [e["points"] for e in deps.ledger.entries_of("ada", "earn")] == [600, 125]
    assert (await deps.accounts.get("ada")).tier == "silver"


async def test_a_suspended_customer_earns_nothing_and_a_later_refund_takes_nothing(deps):
    await handle(deps, on_order_paid, paid("o-1", customer_id="sus"))
    await handle(deps, on_order_refunded, refunded("o-1", customer_id="sus"))

    assert deps.ledger.entries_of("sus") == []
    assert await deps.accounts.get("sus") is None
    assert (await deps.paid_orders.get("o-1", None)).outcome == "suspended"
    assert deps.runtime.outbox.events == []


async def test_returns_take_back_floor_of_e_r_over_b_in_all_and_the_refund_the_rest(deps):
    await handle(deps, on_order_paid, paid("o-1", 12345))  # E = 123 on B = 12345

    await handle(deps, on_items_returned, returned("o-1", "r-1", 5000))  # floor(123 x 5000 / 12345) = 49
    await handle(deps, on_items_returned, returned("o-1", "r-2", 4000))  # floor(123 x 9000 / 12345) = 89: 40 more
    await handle(deps, on_items_returned, returned("o-1", "r-2", 4000))  # the same return again: nothing
    await handle(deps, on_order_refunded, refunded("o-1"))  # 123 - 89 = 34

    clawbacks = deps.ledger.entries_of("ada", "clawback")
    assert [(c["points"], c.get("returnId")) for c in clawbacks] == [(-49, "r-1"), (-40, "r-2"), (-34, None)]
    account = await deps.accounts.get("ada")
    assert (account.balance, account.lifetime_points, account.qualifying_points) == (0, 0, 0)
    state = await deps.paid_orders.get("o-1", None)
    assert (state.taken_back, state.returned_minor, state.returns, state.refunded) == \
        (123, 9000, ("r-1", "r-2"), True)


async def test_a_clawback_the_balance_cannot_cover_is_a_shortfall_not_a_negative_balance(deps):
    await handle(deps, on_order_paid, paid("o-1", 12345))  # 123 points
    await deduct(deps, "ada", PointsDeduct(points=100, reason="spent elsewhere"))

    await handle(deps, on_order_refunded, refunded("o-1"))

    [clawback] = deps.ledger.entries_of("ada", "clawback")
    assert (clawback["points"], clawback["shortfall"], clawback["balanceAfter"]) == (-23, 100, 0)
    account = await deps.accounts.get("ada")
    assert (account.balance, account.shortfall, account.lifetime_points) == (0, 100, 0)
    assert account.credited - account.debited == account.balance


async def test_a_refund_before_the_payment_keeps_the_order_from_ever_earning(deps):
    await handle(deps, on_order_refunded, refunded("o-1"))
    await handle(deps, on_order_paid, paid("o-1"))

    assert deps.ledger.entries_of("ada") == []
    assert (await deps.paid_orders.get("o-1", None)).outcome == "refunded-unpaid"


async def test_a_failing_handler_leaves_no_partial_writes(deps):
    async def earn_then_fail(session):
        event = paid("o-1")
        await on_order_paid(deps, event, envelope(event), session)
        raise RuntimeError("the broker connection dropped before the inbox marker")

    with pytest.raises(RuntimeError):
        await deps.transaction(earn_then_fail)

    assert await deps.accounts.get("ada") is None
    assert deps.ledger.docs == {} and deps.paid_orders.docs == {}
    assert deps.runtime.outbox.events == []

