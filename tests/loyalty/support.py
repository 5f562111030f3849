"""Helpers for loyalty tests: deliver events through the service's real consume path, make members and orders."""
import uuid
from datetime import datetime, timezone

from shared.events import contracts
from shared.events.envelope import Envelope, Event


async def consuming(*apps) -> None:
    """Waits until each app's consumer has declared and bound its queue, so no event published now is lost."""
    from tests.conftest import eventually

    async def ready() -> bool:
        return all(app.state.runtime.consumer.consuming.is_set() for app in apps)
    await eventually(ready, what="consumers to be bound")


async def deliver(app, event: Event, *, event_id: str | None = None, source: str = "customers") -> Envelope:
    """Hands one envelope to the runtime's idempotent dispatch (inbox + handler in one transaction)."""
    envelope = Envelope.wrap(event, source=source, event_id=event_id)
    await app.state.runtime.dispatch(envelope)
    return envelope


async def member(app) -> str:
    customer_id = str(uuid.uuid4())
    await deliver(app, contracts.CustomerCreated(
        customerId=customer_id, firstName="Ada", lastName="Lovelace", email=f"{customer_id}@example.com",
        status="active", emailOptIn=True, smsOptIn=False, pushOptIn=False))
    return customer_id


def order_placed(customer_id: str, total_minor: int, order_id: str | None = None) -> contracts.OrderPlaced:
    return contracts.OrderPlaced(
        orderId=order_id or str(uuid.uuid4()), customerId=customer_id, totalMinor=total_minor, currency="USD",
        items=[{"sku": "X", "name": "X", "quantity": 1, "unitPriceMinor": total_minor}],
        placedAt=datetime.now(timezone.utc))


def order_paid(customer_id: str, total_minor: int, order_id: str | None = None,
               placed_at: datetime | None = None) -> contracts.OrderPaid:
    """What the customers service publishes when an order becomes paid (loyalty earns from it)."""
    now = datetime.now(timezone.utc)
    return contracts.OrderPaid(
        orderId=order_id or str(uuid.uuid4()), customerId=customer_id, totalMinor=total_minor, currency="USD",
        items=[{"sku": "X", "name": "X", "quantity": 1, "unitPriceMinor": total_minor}],
        placedAt=placed_at or now, paidAt=now)


def items_returned(order: contracts.OrderPaid, amount_minor: int, return_id: str | None = None,
                   reason: str = "too small") -> contracts.OrderItemsReturned:
    return contracts.OrderItemsReturned(
        returnId=return_id or str(uuid.uuid4()), orderId=order.order_id, customerId=order.customer_id,
        items=[{"sku": "X", "quantity": 1, "amountMinor": amount_minor}], amountMinor=amount_minor,
        orderTotalMinor=order.total_minor, reason=reason, returnedAt=datetime.now(timezone.utc))


async def set_status(app, customer_id: str, status: str) -> None:
    """The customers service's customer.updated with a new status."""
    await deliver(app, contracts.CustomerUpdated(
        customerId=customer_id, firstName="Ada", lastName="Lovelace", email=f"{customer_id}@example.com",
        status=status, emailOptIn=True, smsOptIn=False, pushOptIn=False, changedFields=["status"]))


def order_refunded(customer_id: str, order_id: str, total_minor: int) -> contracts.OrderRefunded:
    return contracts.OrderRefunded(orderId=order_id, customerId=customer_id, totalMinor=total_minor,
                                   refundedAt=datetime.now(timezone.utc))


async def add_points(loyalty_api, customer_id: str, points: int, reason: str = "Purchase bonus") -> dict:
    response = await loyalty_api.post(f"/customers/{customer_id}/loyalty/points",
                                      json={"points": points, "reason": reason})
    assert response.status_code == 201, response.text
    return response.json()


async def ledger_sum(app, customer_id: str) -> int:
    entries = await app.state.deps.ledger.collection.find({"customerId": customer_id}).to_list()
    return sum(e["points"] for e in entries)


async def stop_consuming(app) -> None:
    """Stops the app's event consumer for the rest of the test: nothing more reaches its handlers."""
    runtime = app.state.runtime
    await runtime.background.stop("consumer")  # cancelled, then its connection closed
    assert not runtime.consumer.consuming.is_set()
