"""Earning and taking back points: manual credits, order.placed earns, order.refunded claws back."""
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from services.loyalty.domain.commands import PointsAdd, ProgramInactive
from services.loyalty.domain.tiers import period_key, points_for_order
from services.loyalty.handlers.deps import Deps, utcnow
from services.loyalty.handlers.members import require_member
from services.loyalty.handlers.posting import Posting, effective_standing, post
from shared.events import contracts
from shared.events.envelope import Envelope


async def add_points(deps: Deps, customer_id: str, body: PointsAdd, correlation_id: str | None = None) -> tuple:
    """A manual credit with a reason; it counts toward the tier like earned points. Returns (entry, account)."""
    await require_member(deps, customer_id)
    now = utcnow()
    program = await deps.programs.active_at(now)
    if program is None:
        raise ProgramInactive("no loyalty program is active now", field="customerId")
    source_id = body.request_id or correlation_id or "manual"
    change = Posting(customer_id, "adjust", body.points, body.reason, "request", source_id,
                     qualifying=body.points, lifetime=body.points,
                     extra={"requestId": body.request_id} if body.request_id else None)

    async def work(session: AsyncClientSession) -> tuple:
        if body.request_id and (done := await deps.ledger.for_request(customer_id, body.request_id, session)):
            return done, await deps.accounts.get(customer_id, session)
        return await post(deps, session, program, change, now, correlation_id=correlation_id)

    async with deps.locks.hold(customer_id):
        try:
            return await deps.transaction(work)
        except DuplicateKeyError:
            # Another replica credited the same requestId at the same moment: that credit is this one.
            return await deps.ledger.for_request(customer_id, body.request_id), await deps.accounts.get(customer_id)


async def on_order_placed(deps: Deps, event: contracts.OrderPlaced, envelope: Envelope,
                          session: AsyncClientSession) -> None:
    """Points = amount x base rate x the tier's multiplier, under the program active when the order was placed."""
    now = utcnow()
    await deps.members.mark_known(event.customer_id, now, session)
    if not await deps.members.exists(event.customer_id, session):
        return  # deleted meanwhile
    if await deps.ledger.for_order(event.order_id, "earn", session) is not None:
        return  # the same order arrived in another envelope: it earns once
    program = await deps.programs.active_at(event.placed_at, session)
    if program is None:
        return
    account = await deps.accounts.get(event.customer_id, session)
    _, tier = effective_standing(account, program, now)
    points = points_for_order(event.total_minor, program["pointsPerUnit"], tier["multiplierPercent"])
    if points <= 0:
        return
    change = Posting(event.customer_id, "earn", points, f"Order {event.order_id}", "event", envelope.id,
                     qualifying=points, lifetime=points,
                     extra={"orderId": event.order_id, "orderTotalMinor": event.total_minor})
    await post(deps, session, program, change, now, correlation_id=envelope.correlation_id)


async def on_order_refunded(deps: Deps, event: contracts.OrderRefunded, envelope: Envelope,
                            session: AsyncClientSession) -> None:
    """Takes the order's points back; what the balance can't cover is recorded as a shortfall, never hidden."""
    earned = await deps.ledger.for_order(event.order_id, "earn", session)
    if earned is None or await deps.ledger.for_order(event.order_id, "clawback", session) is not None:
        return
    now = utcnow()
    program = await deps.programs.active_at(now, session) or await deps.programs.get(earned["programId"], session)
    account = await deps.accounts.get(event.customer_id, session)
    if program is None or account is None:
        return
    points = earned["points"]
    applied = min(points, account["balance"])
    # Only points earned in the current period count toward the current tier.
    same_period = earned["programId"] == program["_id"] and \
        f"{earned['programId']}:{earned['period']}" == period_key(program, now)
    change = Posting(event.customer_id, "clawback", -applied, f"Order {event.order_id} {event.reason}", "event",
                     envelope.id, qualifying=-points if same_period else 0, lifetime=-points,
                     extra={"orderId": event.order_id, "shortfall": points - applied, "earnEntryId": earned["_id"]})
    await post(deps, session, program, change, now, correlation_id=envelope.correlation_id)
