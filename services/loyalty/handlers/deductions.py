"""Manual deductions: staff take points off a balance with a reason; never below zero, never the tier."""
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from services.loyalty.domain.codes import PointsDeduct
from services.loyalty.domain.commands import InsufficientPoints
from services.loyalty.domain.records import LedgerEntry
from services.loyalty.handlers.deps import Deps, utcnow
from services.loyalty.handlers.members import require_member
from services.loyalty.handlers.posting import Posting, post
from shared.errors import Conflict


def _same_request(done: LedgerEntry, request_id: str) -> LedgerEntry:
    if done.kind != "deduct":
        raise Conflict(f"requestId {request_id} was already used for a {done.kind} entry", field="requestId")
    return done


async def deduct(deps: Deps, customer_id: str, body: PointsDeduct, correlation_id: str | None = None) -> tuple:
    """A `deduct` entry lowering the balance only (like a redemption, unlike a refund): qualifying and lifetime
    points stay. The staff member is on the entry (posting records the actor). Returns (entry, account)."""
    await require_member(deps, customer_id)
    now = utcnow()
    change = Posting(customer_id, "deduct", -body.points, body.reason, "request",
                     body.request_id or correlation_id or "manual",
                     extra={"request_id": body.request_id} if body.request_id else None)

    async def work(session: AsyncClientSession) -> tuple:
        if body.request_id and (done := await deps.ledger.for_request(customer_id, body.request_id, session)):
            return _same_request(done, body.request_id), await deps.accounts.get(customer_id, session)
        account = await deps.accounts.get(customer_id, session)
        balance = account.balance if account else 0
        if balance < body.points:
            raise InsufficientPoints(f"{body.points} points to deduct, {balance} available", field="points")
        program = await deps.programs.active_at(now, session) or await deps.programs.get(account.program_id, session)
        try:
            return await post(deps, session, program, change, now, require_balance=body.points,
                              correlation_id=correlation_id)
        except InsufficientPoints as exc:  # posting names the redemption's field; here it is the points
            raise InsufficientPoints(exc.message, field="points") from exc

    async with deps.locks.hold(customer_id):
        try:
            return await deps.transaction(work)
        except DuplicateKeyError:
            # Another replica applied the same requestId at the same moment: that change is this one.
            done = await deps.ledger.for_request(customer_id, body.request_id)
            return _same_request(done, body.request_id), await deps.accounts.get(customer_id)
