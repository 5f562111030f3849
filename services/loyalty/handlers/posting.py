"""Posts one ledger entry and moves the account with it, recalculating the tier; events go to the outbox."""
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from pymongo.asynchronous.client_session import AsyncClientSession

from services.loyalty.domain.commands import InsufficientPoints
from services.loyalty.domain.records import Account, AccountChange, LedgerEntry, Program, ProgramTier, Standing
from services.loyalty.domain.tiers import period_key, period_of, tier_for, tier_named
from services.loyalty.handlers.deps import Deps
from shared.actor import actor_record
from shared.events import contracts
from shared.events.envelope import Event


@dataclass
class Posting:
    """One change: `delta` moves the balance; qualifying and lifetime move by their own amounts."""

    customer_id: str
    kind: str  # earn | adjust | redeem | expire | clawback | deduct (staff, with reason) | void (a code voided)
    #            | merge_out / merge_in (a merged customer's points leaving their account / arriving on the kept one)
    delta: int
    reason: str
    source_type: str  # event | request | job
    source_id: str
    qualifying: int = 0
    lifetime: int = 0
    extra: dict | None = None  # what the entry refers to: LedgerEntry fields (order_id, shortfall, reward_id...)


def effective_standing(account: Account | None, program: Program, now: datetime) -> tuple[int, ProgramTier]:
    """Qualifying points and tier as of now: a new period starts from zero even before the reset job ran."""
    if account is None or account.period_key != period_key(program, now):
        return 0, tier_for(program.tiers, 0)
    return account.qualifying_points, tier_named(program.tiers, account.tier)


def account_change(account: Account | None, program: Program, change: Posting, now: datetime) -> AccountChange:
    """What the posting does to the account (None: not created yet)."""
    qualifying, _ = effective_standing(account, program, now)
    qualifying = max(0, qualifying + change.qualifying)
    standing = Standing(qualifying_points=qualifying, period_key=period_key(program, now), program_id=program.id,
                        tier=tier_for(program.tiers, qualifying).name, updated_at=now)
    if change.kind == "void":
        # A voided code undoes its redemption's debit rather than crediting anew: the points keep their place (and
        # their expiry) in the oldest-first order, so redeeming and voiding never postpones an expiry.
        credited, debited = 0, -change.delta
    elif change.delta > 0:
        credited, debited = change.delta, 0
    else:
        credited, debited = 0, -change.delta
    shortfall = (change.extra or {}).get("shortfall") or 0
    return AccountChange(standing, balance=change.delta, lifetime_points=change.lifetime, credited=credited,
                         debited=debited, shortfall=shortfall)


def ledger_entry(deps: Deps, program: Program, change: Posting, now: datetime, after: Account) -> LedgerEntry:
    extra = dict(change.extra or {})
    # Moved points keep the expiry they had (merge_in says it); new credits get the program's.
    expires_at = extra.pop("expires_at", None) or (
        now + timedelta(days=deps.settings.points_expiry_days) if change.kind in ("earn", "adjust") else None)
    return LedgerEntry(id=str(uuid.uuid4()), customer_id=change.customer_id, program_id=program.id,
                       period=period_of(program, now), kind=change.kind, points=change.delta,
                       balance_after=after.balance, reason=change.reason, source_type=change.source_type,
                       source_id=change.source_id, created_at=now, expires_at=expires_at,
                       # the staff member behind a manual credit, redemption or bulk award
                       actor=actor_record() or None, **extra)


def posted_events(before: Account | None, after: Account, entry: LedgerEntry) -> list[Event]:
    """What a posting announces: the points change, and the tier change when there is one."""
    events: list[Event] = [contracts.LoyaltyPointsChanged(
        customerId=after.customer_id, delta=entry.points, balance=after.balance,
        lifetimePoints=after.lifetime_points, reason=entry.reason, entryId=entry.id,
        accountVersion=after.version)]
    previous = before.tier if before else None
    if after.tier != (previous or "bronze"):
        events.append(contracts.LoyaltyTierChanged(
            customerId=after.customer_id, previousTier=previous, tier=after.tier, accountVersion=after.version))
    return events


async def post(deps: Deps, session: AsyncClientSession, program: Program, change: Posting, now: datetime,
               *, require_balance: int | None = None, correlation_id: str | None = None) -> tuple[LedgerEntry, Account]:
    """Writes the entry and the account in the caller's transaction; returns (entry, account after)."""
    account = await deps.accounts.get(change.customer_id, session)
    after = await deps.accounts.apply(change.customer_id, account_change(account, program, change, now), session,
                                      require_balance=require_balance)
    if after is None:
        raise InsufficientPoints(f"the balance does not cover {require_balance} points", field="rewardId")
    entry = ledger_entry(deps, program, change, now, after)
    await deps.ledger.insert(entry, session)
    for event in posted_events(account, after, entry):
        await deps.runtime.outbox.add(session, event, correlation_id=correlation_id)
    return entry, after
