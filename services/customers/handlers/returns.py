"""Per-item returns: some items of a paid order come back, with a reason. The order keeps what came back per item,
the customer's totalSpent goes down by their amount (totalOrders stays), and order.items.returned tells loyalty."""
import uuid

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.orders import RETURNABLE, ReturnCreate
from services.customers.domain.returns import ReturnPlan, plan_return
from services.customers.handlers.activity_log import record_activity
from services.customers.handlers.deps import Deps, utcnow
from services.customers.segments.handlers.membership import refresh_membership
from shared.errors import Conflict, NotFound
from shared.events import contracts
from shared.money import to_units


async def return_items(deps: Deps, customer_id: str, order_id: str, body: ReturnCreate,
                       correlation_id: str | None = None) -> dict:
    """Answers the order after the return; the same return id again changes nothing and answers the order."""
    return_id = body.id or str(uuid.uuid4())

    async def work(session: AsyncClientSession) -> dict:
        order = await deps.orders.get(order_id, session)
        if order is None or order["customerId"] != customer_id:
            raise NotFound(f"order {order_id} not found for customer {customer_id}", field="orderId")
        if any(done["id"] == return_id for done in order.get("returns", [])):
            return order
        if order["status"] not in RETURNABLE:
            raise Conflict(f"a {order['status']} order has no items to return", field="status")
        plan = plan_return(order["items"], body.items)
        now = utcnow()
        record = {"id": return_id, "reason": body.reason.strip(), "returnedAt": now, "amountMinor": plan.amount_minor,
                  "items": [{"sku": line.sku, "quantity": line.quantity, "amountMinor": line.amount_minor}
                            for line in plan.lines]}
        updated = await deps.orders.add_return(order, plan.items, record, {"updatedAt": now}, session)
        if updated is None:
            raise Conflict("the order changed meanwhile; retry", field="orderId")
        await deps.customers.take_back(customer_id, plan.amount_minor, now, session)
        await refresh_membership(deps, customer_id, session, now)
        await record_activity(deps, _timeline_entry(deps, order, plan, record), session)
        await deps.runtime.outbox.add(session, contracts.OrderItemsReturned(
            returnId=return_id, orderId=order_id, customerId=customer_id, items=record["items"],
            amountMinor=plan.amount_minor, orderTotalMinor=order["totalMinor"], reason=record["reason"],
            returnedAt=now), correlation_id=correlation_id)
        return updated

    return await deps.runtime.transaction(work)


def _timeline_entry(deps: Deps, order: dict, plan: ReturnPlan, record: dict) -> dict:
    count = sum(line.quantity for line in plan.lines)
    summary = (f"Order {order['_id']}: {count} item{'s' if count != 1 else ''} returned ({record['reason']}): "
               f"{to_units(plan.amount_minor):.2f} {deps.settings.currency}")
    return activity.entry(order["customerId"], "order.items_returned", summary, record["returnedAt"],
                          {"orderId": order["_id"], "returnId": record["id"], "amount": to_units(plan.amount_minor),
                           "items": [{"sku": line.sku, "quantity": line.quantity} for line in plan.lines]})
