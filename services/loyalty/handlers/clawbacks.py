"""Taking an order's points back: some items returned (order.items.returned) or the whole order refunded or
cancelled (order.refunded). With E the points the order earned and B the amount they were earned on, after
returns worth R in all the order has had floor(E x R / B) taken back; each return takes the difference, and a
refund takes what is left, so whatever the sequence an order gives back exactly what it earned, never more.

What the balance can't cover is recorded as a shortfall, never hidden: the balance never goes below zero."""
from dataclasses import replace

from pymongo.asynchronous.client_session import AsyncClientSession

from services.loyalty.domain.records import PaidOrder
from services.loyalty.domain.tiers import period_key
from services.loyalty.handlers.deps import Deps, utcnow
from services.loyalty.handlers.posting import Posting, post
from shared.events import contracts
from shared.events.envelope import Envelope


async def order_state(deps: Deps, order_id: str, session: AsyncClientSession) -> PaidOrder | None:
    """The order's arithmetic; for an order earned under order.placed (before paid_orders) it is rebuilt from its
    earn entry, and a clawback of it then was a whole refund."""
    state = await deps.paid_orders.get(order_id, session)
    if state is not None:
        return state
    earned = await deps.ledger.for_order(order_id, "earn", session)
    if earned is None:
        return None
    refunded = await deps.ledger.for_order(order_id, "clawback", session) is not None
    return PaidOrder(order_id=order_id, customer_id=earned.customer_id, outcome="earned", points=earned.points,
                     base_minor=earned.base_minor or 0, program_id=earned.program_id, period=earned.period,
                     earn_entry_id=earned.id, taken_back=earned.points if refunded else 0, refunded=refunded,
                     created_at=earned.created_at)


def returned_share(earned: int, base_minor: int, returned_minor: int) -> int:
    """floor(E x R / B): the points returns worth R in all take back; R beyond B counts as B."""
    if base_minor <= 0:
        return earned if returned_minor > 0 else 0
    return earned * min(returned_minor, base_minor) // base_minor


async def _take_back(deps: Deps, session: AsyncClientSession, state: PaidOrder, points: int, reason: str,
                     envelope: Envelope, extra: dict) -> None:
    """One clawback entry of `points`: the balance moves by what it holds, the rest is the shortfall; lifetime
    drops by all of them, qualifying too when the order earned in the current period."""
    now = utcnow()
    program = await deps.programs.active_at(now, session) or await deps.programs.get(state.program_id, session)
    account = await deps.accounts.get(state.customer_id, session)
    if program is None or account is None:
        return
    applied = min(points, account.balance)
    same_period = state.program_id == program.id and \
        f"{state.program_id}:{state.period}" == period_key(program, now)
    change = Posting(state.customer_id, "clawback", -applied, reason, "event", envelope.id,
                     qualifying=-points if same_period else 0, lifetime=-points,
                     extra={"order_id": state.order_id, "shortfall": points - applied,
                            "earn_entry_id": state.earn_entry_id, **extra})
    await post(deps, session, program, change, now, correlation_id=envelope.correlation_id)


async def on_items_returned(deps: Deps, event: contracts.OrderItemsReturned, envelope: Envelope,
                            session: AsyncClientSession) -> None:
    """Takes back the points of exactly the returned items; the same returnId applies once."""
    state = await order_state(deps, event.order_id, session)
    if state is None or state.points <= 0 or state.refunded or event.return_id in state.returns:
        return  # earned nothing, or a refund already took everything, or this return was applied
    returned = state.returned_minor + event.amount_minor
    points = returned_share(state.points, state.base_minor, returned) - state.taken_back
    if points > 0:
        await _take_back(deps, session, state, points, f"Order {event.order_id} returned: {event.reason}", envelope,
                         {"return_id": event.return_id, "returned_minor": event.amount_minor})
    await deps.paid_orders.save(replace(state, returns=(*state.returns, event.return_id), returned_minor=returned,
                                        taken_back=state.taken_back + max(points, 0)), session)


async def on_order_refunded(deps: Deps, event: contracts.OrderRefunded, envelope: Envelope,
                            session: AsyncClientSession) -> None:
    """Takes back what the order earned and no return took back. A refund of an order loyalty has not seen paid
    is kept too, so that the order never earns if its order.paid comes after."""
    state = await order_state(deps, event.order_id, session)
    if state is None:
        await deps.paid_orders.save(PaidOrder(
            order_id=event.order_id, customer_id=event.customer_id, outcome="refunded-unpaid", points=0,
            base_minor=event.total_minor, program_id=None, period=None, earn_entry_id=None, refunded=True,
            created_at=utcnow()), session)
        return
    if state.refunded:
        return
    points = state.points - state.taken_back
    if points > 0:
        await _take_back(deps, session, state, points, f"Order {event.order_id} {event.reason}", envelope, {})
    await deps.paid_orders.save(replace(state, refunded=True, taken_back=state.points), session)
