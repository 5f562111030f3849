"""Reward codes at checkout: look one up, validate it for an order, consume it once, void it (points and stock back)."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.loyalty.domain.codes import CodeConsume, CodeValidate, CodeVoid, Rejection
from services.loyalty.domain.records import Redemption
from services.loyalty.handlers.deps import Deps, utcnow
from services.loyalty.handlers.members import require_member
from services.loyalty.handlers.posting import Posting, post
from shared.errors import Conflict, NotFound
from shared.money import to_minor


def status_of(doc: Redemption) -> str:
    """Codes issued before statuses existed have none: the store reads them as issued."""
    return doc.status


async def code_doc(deps: Deps, code: str, session: AsyncClientSession | None = None) -> Redemption:
    doc = await deps.redemptions.by_code(code, session)
    if doc is None:
        raise NotFound(f"reward code {code} not found", field="code")
    return doc


def rejection(doc: Redemption, customer_id: str | None, order_total_minor: int | None) -> Rejection | None:
    """Why this code can't pay for this order now; None: it can."""
    status = status_of(doc)
    if status != "issued":
        return status  # consumed | voided
    if customer_id is not None and customer_id != doc.customer_id:
        return "other_customer"
    if order_total_minor is not None and doc.type == "fixed_discount" and order_total_minor < doc.value:
        return "order_total_below_value"
    return None


async def validate(deps: Deps, code: str, body: CodeValidate) -> dict:
    """A question, so it answers either way; only a code that does not exist is an error (404), as everywhere."""
    doc = await code_doc(deps, code)
    total = to_minor(body.order_total) if body.order_total is not None else None
    reason = rejection(doc, body.customer_id, total)
    return {"code": code, "valid": reason is None, "reason": reason, "status": status_of(doc)}


async def consume(deps: Deps, code: str, body: CodeConsume) -> Redemption:
    """Once, by one order: the same order id again answers the same; any other order is refused."""
    doc = await code_doc(deps, code)
    if body.customer_id is not None and body.customer_id != doc.customer_id:
        raise Conflict(f"reward code {code} belongs to another customer", field="customerId")
    if consumed := await deps.redemptions.mark_consumed(code, body.order_id, utcnow()):
        return consumed
    doc = await code_doc(deps, code)  # not issued any more: someone got there first; who?
    if status_of(doc) == "consumed" and doc.order_id == body.order_id:
        return doc
    if status_of(doc) == "consumed":
        raise Conflict(f"reward code {code} was already used by another order", field="code")
    raise Conflict(f"reward code {code} was voided", field="code")


async def _took_stock(deps: Deps, doc: Redemption, session: AsyncClientSession) -> bool:
    if doc.stock_taken is not None:
        return doc.stock_taken
    # Codes from before the flag: judge by the reward as configured now.
    program = await deps.programs.with_reward(doc.reward_id, session)
    reward = program.reward(doc.reward_id) if program else None
    return reward is not None and reward.stock is not None


async def void(deps: Deps, code: str, body: CodeVoid, correlation_id: str | None = None) -> Redemption:
    """An issued code only: its points come back with a `void` entry naming the redemption, its stock unit too.

    Voiding a voided code answers the same; a consumed code paid for an order and can't be voided (409)."""
    customer_id = (await code_doc(deps, code)).customer_id
    await require_member(deps, customer_id)

    async def work(session: AsyncClientSession) -> Redemption:
        doc = await code_doc(deps, code, session)
        if status_of(doc) == "voided":
            return doc
        if status_of(doc) == "consumed":
            raise Conflict(f"reward code {code} was used by order {doc.order_id}; it can't be voided",
                           field="code")
        now = utcnow()
        voided = await deps.redemptions.mark_voided(code, body.reason, now, session)
        if voided is None:  # changed since the read above in this transaction: cannot happen without a conflict
            raise Conflict(f"reward code {code} changed meanwhile; try again", field="code")
        program = await deps.programs.active_at(now, session) or await deps.programs.get(doc.program_id, session)
        change = Posting(customer_id, "void", doc.points, f"Voided code {code}: {body.reason}", "request",
                         doc.id, extra={"reward_id": doc.reward_id, "redemption_id": doc.id})
        await post(deps, session, program, change, now, correlation_id=correlation_id)
        if await _took_stock(deps, doc, session):
            await deps.programs.give_back_one(doc.reward_id, session)
        return voided

    async with deps.locks.hold(customer_id):
        return await deps.transaction(work)
