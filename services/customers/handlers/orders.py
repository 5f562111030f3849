"""Purchase history: record orders (from the API or a storefront's order.placed) and move their status.

The customers service owns orders (docs/purchase-path.md): it publishes order.recorded for every order, order.paid
once per order, order.refunded and order.status.changed, and never order.placed (only storefronts publish that)."""
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.orders import (
    RECORDABLE,
    OrderCreate,
    OrderStatusChange,
    can_move,
    is_paid,
    order_total_minor,
    remaining_minor,
    stops_counting,
)
from services.customers.handlers.activity_log import record_activity
from services.customers.handlers.deps import Deps, utcnow
from services.customers.handlers.order_batch import (
    NewOrder,
    in_transaction,
    order_document,
    paid_event,
    paid_when_recorded,
    record_orders,
)
from services.customers.segments.handlers.membership import refresh_membership
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.events import contracts
from shared.events.envelope import Envelope


async def record_order(deps: Deps, customer_id: str, body: OrderCreate, correlation_id: str | None = None) -> dict:
    order = order_document(deps, customer_id, body, utcnow())

    async def work(session: AsyncClientSession):
        [result] = await record_orders(deps, [NewOrder(order, "api", correlation_id)], session, strict=True)
        return result

    result = await in_transaction(deps, work)
    if result.error:
        raise result.error
    return result.order


def _storefront_order(deps: Deps, event: contracts.OrderPlaced, envelope: Envelope) -> NewOrder:
    if event.status not in RECORDABLE:
        raise ValidationFailed(f"an order is recorded as one of {', '.join(RECORDABLE)}", field="status")
    items = [item.model_dump(by_alias=True) for item in event.items]
    if order_total_minor(items) != event.total_minor:
        raise ValidationFailed("order total does not match its items", field="totalMinor")
    now = utcnow()
    doc = paid_when_recorded({"_id": event.order_id, "customerId": event.customer_id, "items": items,
                              "totalMinor": event.total_minor, "status": event.status, "placedAt": event.placed_at,
                              "createdAt": now, "updatedAt": now, "source": envelope.source})
    return NewOrder(doc, envelope.source, envelope.correlation_id or envelope.id)


async def on_orders_placed(deps: Deps, placed: list[tuple[contracts.OrderPlaced, Envelope]],
                           session: AsyncClientSession) -> None:
    """A batch of storefront order.placed events, set-based: the same effect as on_order_placed for each in turn.
    An unknown customer or a bad total fails the whole batch; the runtime then handles its events one by one, so
    only that event is parked."""
    # Our own order.placed can't come back (we no longer publish it); the guard stays for old events in a queue.
    orders = [_storefront_order(deps, event, envelope) for event, envelope in placed
              if envelope.source != deps.settings.service_name]
    if orders:
        await record_orders(deps, orders, session, strict=True)


async def on_order_placed(deps: Deps, event: contracts.OrderPlaced, envelope: Envelope,
                          session: AsyncClientSession) -> None:
    """A storefront's order.placed ends like POST /customers/:id/orders."""
    await on_orders_placed(deps, [(event, envelope)], session)


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
        changes: dict = {"updatedAt": now}
        pays = is_paid(target) and not order.get("paidAt")  # pending -> paid; order.paid goes out once per order
        if pays:
            changes["paidAt"] = now
        if stops_counting(current, target):
            changes["refundedAt"] = now  # when the money went back: the dashboard counts the refund then
        updated = await deps.orders.set_status(order_id, current, target, changes, session)
        if updated is None:
            raise Conflict("the order changed meanwhile; retry", field="status")
        await _status_effects(deps, updated, current, now, session, correlation_id)
        if pays:
            await deps.runtime.outbox.add(session, paid_event(deps, updated), correlation_id=correlation_id)
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
        # Earlier item returns already took their share out of totalSpent: only what remains goes now.
        remaining = remaining_minor(order)
        await deps.customers.remove_order(order["customerId"], remaining, now, session)
        await refresh_membership(deps, order["customerId"], session)
        # A cancelled order that had been placed is undone like a refund, so loyalty takes its points back.
        await deps.runtime.outbox.add(session, contracts.OrderRefunded(
            orderId=order["_id"], customerId=order["customerId"], totalMinor=remaining,
            refundedAt=now, reason=target), correlation_id=correlation_id)
