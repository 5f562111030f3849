"""Purchase history: record orders (from the API or a storefront's order.placed) and move their status."""
import uuid
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.orders import (
    OrderCreate, OrderStatusChange, can_move, item_documents, order_total_minor, stops_counting,
)
from services.customers.handlers.deps import Deps, utcnow
from services.customers.handlers.segment_membership import refresh_membership
from services.customers.store.orders import OrderAlreadyRecorded
from services.customers.handlers.activity_log import record_activity
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.events import contracts
from shared.events.envelope import Envelope
from shared.money import to_units


def _placed_event(order: dict, currency: str) -> contracts.OrderPlaced:
    return contracts.OrderPlaced(
        orderId=order["_id"], customerId=order["customerId"], items=order["items"],
        totalMinor=order["totalMinor"], currency=currency, status=order["status"], placedAt=order["placedAt"])


async def _apply_new_order(deps: Deps, order: dict, session: AsyncClientSession) -> None:
    """Stores the order and counts it toward the customer's totals, in the caller's transaction."""
    now = utcnow()
    await deps.orders.insert(order, session)
    if not await deps.customers.add_order(order["customerId"], order["totalMinor"], order["placedAt"], now, session):
        raise NotFound(f"customer {order['customerId']} not found", field="customerId")
    await refresh_membership(deps, order["customerId"], session)
    summary = f"Order {order['_id']} placed: {to_units(order['totalMinor']):.2f} {deps.settings.currency}"
    await record_activity(deps, activity.entry(order["customerId"], "order.placed", summary, order["placedAt"],
                                           {"orderId": order["_id"], "total": to_units(order["totalMinor"])}),
                            session)


async def record_order(deps: Deps, customer_id: str, body: OrderCreate, correlation_id: str | None = None) -> dict:
    if body.currency and body.currency.upper() != deps.settings.currency:
        raise ValidationFailed(f"orders are recorded in {deps.settings.currency}", field="currency")
    now = utcnow()
    items = item_documents(body.items)
    order = {"_id": body.id or str(uuid.uuid4()), "customerId": customer_id, "items": items,
             "totalMinor": order_total_minor(items), "status": body.status,
             "placedAt": body.placed_at or now, "createdAt": now, "updatedAt": now}

    async def work(session: AsyncClientSession) -> dict:
        existing = await deps.orders.get(order["_id"], session)
        if existing is not None:
            return existing
        await _apply_new_order(deps, order, session)
        await deps.runtime.outbox.add(session, _placed_event(order, deps.settings.currency),
                                      correlation_id=correlation_id)
        return order

    try:
        recorded = await deps.runtime.transaction(work)
    except OrderAlreadyRecorded:
        # The same order id arrived concurrently and the other request won; it is recorded once.
        recorded = await deps.orders.get(order["_id"])
    if recorded["customerId"] != customer_id:
        raise Conflict(f"order {order['_id']} belongs to another customer", field="id")
    return recorded


async def on_order_placed(deps: Deps, event: contracts.OrderPlaced, envelope: Envelope,
                          session: AsyncClientSession) -> None:
    """A storefront's order.placed ends like POST /customers/:id/orders; our own is already recorded."""
    if envelope.source == deps.settings.service_name:
        return
    items = [item.model_dump(by_alias=True) for item in event.items]
    if order_total_minor(items) != event.total_minor:
        raise ValidationFailed("order total does not match its items", field="totalMinor")
    now = utcnow()
    order = {"_id": event.order_id, "customerId": event.customer_id, "items": items, "totalMinor": event.total_minor,
             "status": event.status, "placedAt": event.placed_at, "createdAt": now, "updatedAt": now,
             "source": envelope.source}
    if await deps.orders.get(event.order_id, session) is None:
        await _apply_new_order(deps, order, session)


async def change_order_status(deps: Deps, customer_id: str, order_id: str, body: OrderStatusChange,
                              correlation_id: str | None = None) -> dict:
    target = body.status

    async def work(session: AsyncClientSession) -> dict:
        order = await deps.orders.get(order_id, session)
        if order is None or order["customerId"] != customer_id:
            raise NotFound(f"order {order_id} not found for customer {customer_id}", field="orderId")
        current = order["status"]
        if current == target:
            return order
        if not can_move(current, target):
            raise Conflict(f"an order that is {current} cannot become {target}", field="status")
        now = utcnow()
        updated = await deps.orders.set_status(order_id, current, target, {"updatedAt": now}, session)
        if updated is None:
            raise Conflict("the order changed meanwhile; retry", field="status")
        await _status_effects(deps, updated, current, now, session, correlation_id)
        return updated

    return await deps.runtime.transaction(work)


async def _status_effects(deps: Deps, order: dict, previous: str, now: datetime, session: AsyncClientSession,
                          correlation_id: str | None) -> None:
    target = order["status"]
    await record_activity(deps, activity.entry(order["customerId"], "order.status_changed",
                                           f"Order {order['_id']} is now {target}", now,
                                           {"orderId": order["_id"], "from": previous, "to": target}), session)
    await deps.runtime.outbox.add(session, contracts.OrderStatusChanged(
        orderId=order["_id"], customerId=order["customerId"], previousStatus=previous, status=target),
        correlation_id=correlation_id)
    if stops_counting(previous, target):
        await deps.customers.remove_order(order["customerId"], order["totalMinor"], now, session)
        await refresh_membership(deps, order["customerId"], session)
        # A cancelled order that had been placed is undone like a refund, so loyalty takes its points back.
        await deps.runtime.outbox.add(session, contracts.OrderRefunded(
            orderId=order["_id"], customerId=order["customerId"], totalMinor=order["totalMinor"],
            refundedAt=now, reason=target), correlation_id=correlation_id)
