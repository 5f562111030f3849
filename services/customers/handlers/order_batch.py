"""Recording orders set-based: one order (the API), a batch of storefront order.placed events or a bulk import all
go through record_orders, with a fixed number of reads and writes whatever the number of orders."""
import uuid
from dataclasses import dataclass
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.orders import OrderCreate, is_paid, item_documents, order_total_minor
from services.customers.handlers.activity_log import record_activities
from services.customers.handlers.deps import Deps, utcnow
from services.customers.segments.handlers.membership import apply_membership
from services.customers.store.orders import OrderAlreadyRecorded
from shared.errors import AppError, Conflict, NotFound, ValidationFailed
from shared.events import contracts
from shared.events.envelope import Event
from shared.money import to_units


@dataclass(frozen=True)
class NewOrder:
    doc: dict
    source: str  # "api", "bulk" or the storefront's envelope source
    correlation_id: str | None = None


@dataclass(frozen=True)
class Recorded:
    order: dict | None  # as stored: the new order, or the one already recorded under this id
    new: bool = False
    error: AppError | None = None


def order_document(deps: Deps, customer_id: str, body: OrderCreate, now: datetime) -> dict:
    if body.currency and body.currency.upper() != deps.settings.currency:
        raise ValidationFailed(f"orders are recorded in {deps.settings.currency}", field="currency")
    items = item_documents(body.items)
    return paid_when_recorded({"_id": body.id or str(uuid.uuid4()), "customerId": customer_id, "items": items,
                               "totalMinor": order_total_minor(items), "status": body.status,
                               "placedAt": body.placed_at or now, "createdAt": now, "updatedAt": now})


def paid_when_recorded(doc: dict) -> dict:
    """An order recorded as paid, shipped or delivered was paid when placed; paidAt marks order.paid as published."""
    return {**doc, "paidAt": doc["placedAt"]} if is_paid(doc["status"]) else doc


async def record_orders(deps: Deps, orders: list[NewOrder], session: AsyncClientSession, *,
                        strict: bool) -> list[Recorded]:
    """Records each order once, in the caller's transaction; an id already recorded (before or earlier in the list)
    changes nothing. strict: an unknown customer raises NotFound (so a consumed batch fails and is handled one by
    one); otherwise that order's result carries the error and the others go on."""
    ids = list(dict.fromkeys(o.doc["_id"] for o in orders))
    existing = {doc["_id"]: doc for doc in await deps.orders.many(ids, session)}
    known = await deps.customers.existing_ids(list(dict.fromkeys(o.doc["customerId"] for o in orders)), session)
    results, fresh = [], []
    for new in orders:
        doc = new.doc
        if doc["customerId"] not in known:
            missing = NotFound(f"customer {doc['customerId']} not found", field="customerId")
            if strict:
                raise missing
            results.append(Recorded(None, error=missing))
        elif (prior := existing.get(doc["_id"])) is not None:
            other = prior["customerId"] != doc["customerId"]
            results.append(Recorded(prior, error=Conflict(f"order {doc['_id']} belongs to another customer",
                                                          field="id") if other else None))
        else:
            existing[doc["_id"]] = doc
            fresh.append(new)
            results.append(Recorded(doc, new=True))
    if fresh:
        await _write(deps, fresh, session)
    return results


async def _write(deps: Deps, fresh: list[NewOrder], session: AsyncClientSession) -> None:
    now = utcnow()
    await deps.orders.insert_many([new.doc for new in fresh], session)
    totals: dict[str, tuple[int, int, datetime]] = {}
    for new in fresh:
        spent, count, latest = totals.get(new.doc["customerId"], (0, 0, new.doc["placedAt"]))
        totals[new.doc["customerId"]] = (spent + new.doc["totalMinor"], count + 1, max(latest, new.doc["placedAt"]))
    await deps.customers.add_orders(totals, now, session)
    await record_activities(deps, [(_timeline_entry(deps, new.doc), new.correlation_id) for new in fresh], session)
    # Membership once per customer, on their totals after all of their orders.
    segments = await deps.segments.store.all(session)
    await apply_membership(deps, segments, await deps.customers.many(list(totals), session), session, now)
    await deps.runtime.outbox.add_many(session, [(event, new.correlation_id) for new in fresh
                                                 for event in order_events(deps, new)])


def _timeline_entry(deps: Deps, order: dict) -> dict:
    summary = f"Order {order['_id']} placed: {to_units(order['totalMinor']):.2f} {deps.settings.currency}"
    return activity.entry(order["customerId"], "order.placed", summary, order["placedAt"],
                          {"orderId": order["_id"], "total": to_units(order["totalMinor"])})


def order_events(deps: Deps, new: NewOrder) -> list[Event]:
    """order.recorded for every order; order.paid too when it was recorded paid."""
    order = new.doc
    events: list[Event] = [contracts.OrderRecorded(
        orderId=order["_id"], customerId=order["customerId"], items=order["items"], totalMinor=order["totalMinor"],
        currency=deps.settings.currency, status=order["status"], placedAt=order["placedAt"], source=new.source)]
    if order.get("paidAt"):
        events.append(paid_event(deps, order))
    return events


def paid_event(deps: Deps, order: dict) -> contracts.OrderPaid:
    return contracts.OrderPaid(orderId=order["_id"], customerId=order["customerId"], items=order["items"],
                               totalMinor=order["totalMinor"], currency=deps.settings.currency,
                               placedAt=order["placedAt"], paidAt=order["paidAt"])


async def in_transaction(deps: Deps, work):
    """The same order id recorded concurrently: the loser's insert fails; once more, it finds the order recorded."""
    try:
        return await deps.runtime.transaction(work)
    except OrderAlreadyRecorded:
        return await deps.runtime.transaction(work)
