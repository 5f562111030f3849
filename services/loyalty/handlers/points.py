"""Manual credits: staff (or a segment's bulk action) credit points with a reason. Orders earn in earning.py."""
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from services.loyalty.domain.commands import PointsAdd, ProgramInactive
from services.loyalty.handlers.deps import Deps, utcnow
from services.loyalty.handlers.members import ensure_can_transact
from services.loyalty.handlers.posting import Posting, post


async def add_points(deps: Deps, customer_id: str, body: PointsAdd, correlation_id: str | None = None) -> tuple:
    """A manual credit with a reason; it counts toward the tier like earned points. Returns (entry, account).
    Not for a suspended (409) or deleted (404) customer."""
    await ensure_can_transact(deps, customer_id)
    now = utcnow()
    program = await deps.programs.active_at(now)
    if program is None:
        raise ProgramInactive("no loyalty program is active now", field="customerId")
    source_id = body.request_id or correlation_id or "manual"
    change = Posting(customer_id, "adjust", body.points, body.reason, "request", source_id,
                     qualifying=body.points, lifetime=body.points,
                     extra={"request_id": body.request_id} if body.request_id else None)

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

