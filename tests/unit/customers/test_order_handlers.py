"""Recording orders, moving their status and returning items, against the in-memory stores: the events each step
publishes (docs/purchase-path.md), the customer's totals, the timeline and segment membership."""
from datetime import timedelta

import pytest

from services.customers.domain.orders import OrderCreate, OrderStatusChange, ReturnCreate
from services.customers.handlers.deps import utcnow
from services.customers.handlers.orders import change_order_status, record_order
from services.customers.handlers.returns import return_items
from shared.errors import Conflict, NotFound
from shared.events import contracts
from shared.events.contracts.segments import SegmentMembershipChanged
from tests.unit.fakes.customers import customers_deps


@pytest.fixture
def deps():
    deps = customers_deps()
    deps.customers.put({"_id": "ada", "emailKey": "ada@example.com", "status": "active", "totalSpentMinor": 0,
                        "totalOrders": 0})
    deps.customers.put({"_id": "bo", "emailKey": "bo@example.com", "status": "active", "totalSpentMinor": 0,
                        "totalOrders": 0})
    return deps


def order(order_id: str, status: str = "paid", tees: int = 2, caps: int = 1) -> OrderCreate:
    """Tees at 25.00 and caps at 10.00."""
    return OrderCreate.model_validate({"id": order_id, "status": status, "items": [
        {"sku": "TEE", "name": "Tee", "quantity": tees, "unitPrice": "25.00"},
        {"sku": "CAP", "name": "Cap", "quantity": caps, "unitPrice": 10}]})


async def move(deps, order_id: str, status: str, customer_id: str = "ada") -> dict:
    return await change_order_status(deps, customer_id, order_id, OrderStatusChange(status=status))


async def totals(deps, customer_id: str = "ada") -> tuple[int, int]:
    doc = await deps.customers.get(customer_id)
    return doc["totalSpentMinor"], doc["totalOrders"]


async def test_an_order_recorded_paid_publishes_recorded_and_paid_and_counts(deps):
    stored = await record_order(deps, "ada", order("o-1"))

    assert (stored["totalMinor"], stored["status"], stored["paidAt"]) == (6000, "paid", stored["placedAt"])
    assert await totals(deps) == (6000, 1)
    recorded, paid = deps.runtime.outbox.of_type(contracts.OrderRecorded), deps.runtime.outbox.of_type(
        contracts.OrderPaid)
    assert [(e.order_id, e.total_minor, e.status, e.source) for e in recorded] == [("o-1", 6000, "paid", "api")]
    assert [(e.order_id, e.total_minor, e.currency) for e in paid] == [("o-1", 6000, "USD")]
    assert "order.placed" not in deps.runtime.outbox.types()  # only storefronts publish it
    [placed] = deps.activity.of("ada", "order.placed")
    assert placed["data"] == {"orderId": "o-1", "total": 60.0}


async def test_recording_the_same_order_id_again_changes_nothing(deps):
    await record_order(deps, "ada", order("o-1"))
    events = deps.runtime.outbox.events

    again = await record_order(deps, "ada", order("o-1", tees=9))

    assert again["totalMinor"] == 6000
    assert await totals(deps) == (6000, 1)
    assert deps.runtime.outbox.events == events


async def test_an_order_of_an_unknown_customer_is_a_404_and_writes_nothing(deps):
    with pytest.raises(NotFound):
        await record_order(deps, "ghost", order("o-1"))
    assert deps.orders.docs == {} and deps.runtime.outbox.events == []


async def test_a_pending_order_is_paid_once_when_it_moves_to_paid(deps):
    await record_order(deps, "ada", order("o-1", status="pending"))
    assert deps.runtime.outbox.types().count("order.paid") == 0

    paid = await move(deps, "o-1", "paid")
    await move(deps, "o-1", "shipped")
    await move(deps, "o-1", "delivered")

    assert paid["paidAt"] is not None
    assert deps.runtime.outbox.types().count("order.paid") == 1
    changes = deps.runtime.outbox.of_type(contracts.OrderStatusChanged)
    assert [(c.previous_status, c.status) for c in changes] == [("pending", "paid"), ("paid", "shipped"),
                                                                ("shipped", "delivered")]
    assert await totals(deps) == (6000, 1)  # moving on changes no totals
    assert len(deps.activity.of("ada", "order.status_changed")) == 3


async def test_cancelling_takes_the_order_out_of_the_totals_and_tells_loyalty_what_is_left(deps):
    await record_order(deps, "ada", order("o-1"))
    await return_items(deps, "ada", "o-1", ReturnCreate.model_validate(
        {"id": "r-1", "items": [{"sku": "TEE", "quantity": 1}], "reason": "too small"}))
    assert await totals(deps) == (3500, 1)

    await move(deps, "o-1", "cancelled")

    assert await totals(deps) == (0, 0)
    [refund] = deps.runtime.outbox.of_type(contracts.OrderRefunded)
    assert (refund.order_id, refund.total_minor, refund.reason) == ("o-1", 3500, "cancelled")


async def test_an_impossible_move_is_a_conflict_and_leaves_everything_as_it_was(deps):
    await record_order(deps, "ada", order("o-1"))
    await move(deps, "o-1", "refunded")
    events = deps.runtime.outbox.events

    with pytest.raises(Conflict) as refused:
        await move(deps, "o-1", "paid")

    assert refused.value.field == "status"
    assert (await deps.orders.get("o-1"))["status"] == "refunded"
    assert deps.runtime.outbox.events == events
    assert await totals(deps) == (0, 0)


async def test_the_same_status_again_answers_the_order_and_publishes_nothing(deps):
    await record_order(deps, "ada", order("o-1"))
    events = deps.runtime.outbox.events
    assert (await move(deps, "o-1", "paid"))["status"] == "paid"
    assert deps.runtime.outbox.events == events


async def test_another_customers_order_is_not_found(deps):
    await record_order(deps, "ada", order("o-1"))
    with pytest.raises(NotFound):
        await move(deps, "o-1", "shipped", customer_id="bo")
    assert (await deps.orders.get("o-1"))["status"] == "paid"


async def test_a_return_lowers_the_spend_keeps_the_order_counted_and_applies_once(deps):
    await record_order(deps, "ada", order("o-1", tees=3))
    body = ReturnCreate.model_validate({"id": "r-1", "items": [{"sku": "TEE", "quantity": 2}, {"sku": "CAP",
                                                                                              "quantity": 1}],
                                        "reason": "  too small "})

    updated = await return_items(deps, "ada", "o-1", body)
    again = await return_items(deps, "ada", "o-1", body)

    assert updated["returnedMinor"] == again["returnedMinor"] == 6000
    assert [i.get("returnedQuantity") for i in updated["items"]] == [2, 1]
    assert await totals(deps) == (2500, 1)
    [event] = deps.runtime.outbox.of_type(contracts.OrderItemsReturned)
    assert (event.return_id, event.amount_minor, event.order_total_minor, event.reason) == \
        ("r-1", 6000, 8500, "too small")
    assert [(i.sku, i.quantity, i.amount_minor) for i in event.items] == [("TEE", 2, 5000), ("CAP", 1, 1000)]


async def test_a_pending_order_has_nothing_to_return(deps):
    await record_order(deps, "ada", order("o-1", status="pending"))
    with pytest.raises(Conflict):
        await return_items(deps, "ada", "o-1", ReturnCreate.model_validate(
            {"items": [{"sku": "CAP", "quantity": 1}], "reason": "changed mind"}))
    assert "returns" not in await deps.orders.get("o-1")


async def test_segment_membership_follows_the_totals_in_the_same_transaction(deps):
    deps.segments.store.put({"_id": "seg-1", "slug": "big_spenders", "query": "total_spent >= 50",
                             "createdAt": utcnow() - timedelta(days=1)})

    await record_order(deps, "ada", order("o-1"))           # 60.00: enters
    await record_order(deps, "bo", order("o-2", tees=1))    # 35.00: stays out
    assert (await deps.segments.store.counts(["seg-1"]))["seg-1"] == 1
    await move(deps, "o-1", "refunded")                     # 0.00: leaves

    changes = deps.runtime.outbox.of_type(SegmentMembershipChanged)
    assert [(c.customer_id, c.change) for c in changes] == [("ada", "entered"), ("ada", "left")]
    assert not deps.segments.store.is_member("seg-1", "ada")
    assert (await deps.segments.store.counts(["seg-1"]))["seg-1"] == 0
