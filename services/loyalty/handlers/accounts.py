"""Member accounts as read: balance, tier, progress to the next tier, and the rewards they can afford now."""
from services.loyalty.domain.records import Account, Program, Reward
from services.loyalty.domain.tiers import next_tier
from services.loyalty.handlers.deps import Deps, utcnow
from services.loyalty.handlers.members import require_member
from services.loyalty.handlers.posting import effective_standing


def _available(program: Program | None, stock: dict[str, int], balance: int) -> list[Reward]:
    if program is None:
        return []
    return [r for r in program.rewards if r.is_active and r.points_cost <= balance
            and (r.stock is None or stock.get(r.id, 0) > 0)]


def account_view(customer_id: str, account: Account | None, program: Program | None, stock: dict[str, int]) -> dict:
    """A member with no account yet reads as zero points in the first tier."""
    known = account or Account(customer_id)
    balance = known.balance
    if program is not None:
        qualifying, tier = effective_standing(account, program, utcnow())
        tier_name, upcoming = tier.name, next_tier(program.tiers, qualifying)
    else:
        qualifying, tier_name, upcoming = 0, known.tier or "bronze", None
    return {"customerId": customer_id, "points": balance, "tier": tier_name,
            "lifetimePoints": known.lifetime_points, "qualifyingPoints": qualifying,
            "shortfall": known.shortfall, "nextTier": upcoming,
            "programId": program.id if program else None,
            "availableRewards": _available(program, stock, balance)}


async def accounts_for(deps: Deps, customer_ids: list[str]) -> dict[str, dict]:
    """Batch read for the gateway: three queries whatever the number of customers."""
    program = await deps.programs.active_at(utcnow())
    limited = program.limited_reward_ids if program else []
    stock = await deps.programs.stock_left(limited) if limited else {}
    accounts = await deps.accounts.many(customer_ids)
    return {cid: account_view(cid, accounts.get(cid), program, stock) for cid in customer_ids}


async def account_for(deps: Deps, customer_id: str) -> dict:
    await require_member(deps, customer_id)
    return (await accounts_for(deps, [customer_id]))[customer_id]
