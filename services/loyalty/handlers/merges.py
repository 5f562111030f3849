"""customer.merged: the merged customer's points move to the kept customer, through the ledger of both.

Two entries record it, both naming the merged id: merge_out on the merged account takes its balance to zero (and
its lifetime and qualifying points with it), merge_in on the kept account adds the same. Both go through the
posting path, so the tier is recalculated by the program's rules and loyalty.points.changed / loyalty.tier.changed
are published as for any change. Once per merged id, however many times the event comes (the merges record and
the (customerId, requestId) unique index both hold it)."""
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from services.loyalty.handlers.deps import Deps, utcnow
from services.loyalty.handlers.posting import Posting, effective_standing, post
from shared.events import contracts
from shared.events.envelope import Envelope


def merge_postings(merged_id: str, kept_id: str, balance: int, lifetime: int, qualifying: int, event_id: str,
                   expires_at: datetime | None) -> tuple[Posting, Posting]:
    """(merge_out on the merged account, merge_in on the kept one): what leaves one arrives on the other."""
    reason = f"Customer {merged_id} merged into {kept_id}"
    request_id = f"merge:{merged_id}"
    out = Posting(merged_id, "merge_out", -balance, reason, "event", event_id, qualifying=-qualifying,
                  lifetime=-lifetime, extra={"merged_id": merged_id, "request_id": request_id})
    into = Posting(kept_id, "merge_in", balance, reason, "event", event_id, qualifying=qualifying, lifetime=lifetime,
                   extra={"merged_id": merged_id, "request_id": request_id, "expires_at": expires_at})
    return out, into


async def on_customer_merged(deps: Deps, event: contracts.CustomerMerged, envelope: Envelope,
                             session: AsyncClientSession) -> None:
    now = utcnow()
    merged_id, kept_id = event.merged_id, event.kept_id
    if not await deps.merges.claim(merged_id, kept_id, now, envelope.id, session):
        return  # merged before (the same event again, or published twice): the points moved then
    # The merged id is no member any more: credits and redemptions for it are refused (404) from now on; its
    # ledger and codes stay readable under the merged id.
    await deps.members.mark_deleted(merged_id, now, session)
    await deps.merges.move_open_codes(merged_id, kept_id, session)
    await deps.merges.move_paid_orders(merged_id, kept_id, session)
    account = await deps.accounts.get(merged_id, session)
    if account is None:
        return  # never earned anything: nothing to move
    program = await deps.programs.active_at(now, session) or await deps.programs.get(account.program_id, session)
    if program is None:
        return
    qualifying, _ = effective_standing(account, program, now)
    expires_at = await deps.merges.latest_credit_expiry(merged_id, session)
    out, into = merge_postings(merged_id, kept_id, account.balance, account.lifetime_points, qualifying,
                               envelope.id, expires_at)
    # require_balance: the balance read above is still the balance, so the merged account ends at exactly zero.
    await post(deps, session, program, out, now, require_balance=account.balance,
               correlation_id=envelope.correlation_id)
    await post(deps, session, program, into, now, correlation_id=envelope.correlation_id)
