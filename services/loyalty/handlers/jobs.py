"""Periodic jobs: the quarterly tier reset and points expiry, run by the shared scheduler once per period across
replicas (shared/scheduler.py)."""
from datetime import datetime
from functools import partial

from pymongo.asynchronous.client_session import AsyncClientSession

from services.loyalty.domain.records import Program, Standing
from services.loyalty.domain.tiers import period_key, tier_for
from services.loyalty.handlers.deps import Deps
from services.loyalty.handlers.posting import Posting, post
from shared.events import contracts
from shared.scheduler import PeriodicJob, daily


async def reset_tiers(deps: Deps, now: datetime) -> dict:
    """Qualification restarts: every account outside the current period goes back to 0 and the first tier."""
    program = await deps.programs.active_at(now)
    if program is None:
        return {"accounts": 0, "tierChanges": 0}
    key, base = period_key(program, now), tier_for(program.tiers, 0).name
    counts = {"accounts": 0, "tierChanges": 0}
    while batch := await deps.accounts.outside_period(key, deps.settings.job_batch_size):
        async def work(session: AsyncClientSession) -> None:
            for account in batch:
                version = await deps.accounts.reset_standing(account.customer_id, Standing(
                    qualifying_points=0, period_key=key, program_id=program.id, tier=base, updated_at=now),
                    session)
                if (account.tier or base) != base:
                    await deps.runtime.outbox.add(session, contracts.LoyaltyTierChanged(
                        customerId=account.customer_id, previousTier=account.tier, tier=base, accountVersion=version))
        await deps.runtime.transaction(work)
        counts["accounts"] += len(batch)
        counts["tierChanges"] += sum(1 for a in batch if (a.tier or base) != base)
    return counts


async def expire_points(deps: Deps, now: datetime) -> dict:
    """Oldest points go first: what expired minus everything debited so far is still unspent, so it lapses."""
    candidates = await deps.ledger.expired_credits(now)  # who may have points to expire; amounts are re-read below
    program = await deps.programs.active_at(now)
    counts = {"accounts": 0, "points": 0}
    for customer_id in candidates:
        async def work(session: AsyncClientSession) -> int:
            return await _expire_account(deps, customer_id, program, now, session)
        async with deps.locks.hold(customer_id):
            due = await deps.runtime.transaction(work)
        if due > 0:
            counts["accounts"] += 1
            counts["points"] += due
    return counts


async def _expire_account(deps: Deps, customer_id: str, program: Program | None, now: datetime,
                          session: AsyncClientSession) -> int:
    """Reads the balance, the debits and the expired credits in the transaction that writes the expiry: a redemption
    committed after the job started (here or on another replica) is counted, or conflicts and the work re-runs, so
    points that have not expired are never taken."""
    account = await deps.accounts.get(customer_id, session)
    if account is None:
        return 0
    expired = await deps.ledger.expired_credits_of(customer_id, now, session)
    due = min(expired - account.debited, account.balance)
    if due <= 0:
        return 0
    program = program or await deps.programs.get(account.program_id, session)
    change = Posting(customer_id, "expire", -due, "Points expired", "job", f"expire-points:{now.date()}")
    await post(deps, session, program, change, now, require_balance=due)
    return due


async def _tier_reset_period(deps: Deps, now: datetime) -> str:
    """The active program's qualification period (a quarter unless the program says otherwise)."""
    program = await deps.programs.active_at(now)
    return period_key(program, now) if program else f"none:{now.date()}"


def periodic_jobs(deps: Deps) -> list[PeriodicJob]:
    """Registered with the service's scheduler; a crashed run is taken over once job_lease_seconds have passed."""
    lease = deps.settings.job_lease_seconds
    return [PeriodicJob("tier-reset", partial(reset_tiers, deps), partial(_tier_reset_period, deps), lease),
            PeriodicJob("expire-points", partial(expire_points, deps), daily, lease)]


async def run_job(deps: Deps, name: str, now: datetime) -> dict:
    """Runs the job for the period `now` falls in, unless another run (here or on a replica) claimed it: the same
    claim the scheduler's ticks take, so an operator's run and a tick never both run one period."""
    return (await deps.runtime.scheduler.run_job(name, now)).as_dict()
