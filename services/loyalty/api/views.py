"""What the API shows: currency units and decimal multipliers for display, camelCase names, `id` not `_id`."""
from decimal import Decimal

from services.loyalty.domain.records import LedgerEntry, Program, ProgramTier, Redemption, Reward
from shared.api import Page
from shared.money import to_units


def reward_view(reward: Reward, stock_left: dict[str, int] | None = None) -> dict:
    value = reward.value
    if value is not None and reward.type in ("fixed_discount", "cashback"):
        value = to_units(value)
    view = {"id": reward.id, "name": reward.name, "description": reward.description, "type": reward.type,
            "pointsCost": reward.points_cost, "stock": reward.stock, "isActive": reward.is_active, "value": value}
    if stock_left is not None and reward.stock is not None:
        view["stockRemaining"] = stock_left.get(reward.id, 0)
    return view


def tier_view(tier: ProgramTier) -> dict:
    return {"name": tier.name, "minPoints": tier.min_points,
            "multiplier": float(Decimal(tier.multiplier_percent) / 100), "benefits": list(tier.benefits)}


def program_view(program: Program, stock_left: dict[str, int] | None = None) -> dict:
    return {"id": program.id, "name": program.name, "description": program.description, "type": program.type,
            "startDate": program.start_date, "endDate": program.end_date, "isActive": program.is_active,
            "pointsPerUnit": program.points_per_unit, "isDefault": program.is_default,
            "createdAt": program.created_at, "updatedAt": program.updated_at,
            "tiers": [tier_view(t) for t in program.tiers],
            "rewards": [reward_view(r, stock_left) for r in program.rewards]}


def account_public(view: dict) -> dict:
    return {**view, "availableRewards": [reward_view(r) for r in view["availableRewards"]]}


def entry_view(entry: LedgerEntry) -> dict:
    return {"id": entry.id, "customerId": entry.customer_id, "programId": entry.program_id, "period": entry.period,
            "kind": entry.kind, "points": entry.points, "balanceAfter": entry.balance_after, "reason": entry.reason,
            "sourceType": entry.source_type, "sourceId": entry.source_id, "orderId": entry.order_id,
            "rewardId": entry.reward_id, "redemptionId": entry.redemption_id, "shortfall": entry.shortfall,
            "expiresAt": entry.expires_at, "createdAt": entry.created_at, "actor": entry.actor}


def redemption_view(doc: Redemption) -> dict:
    value = doc.value
    if value is not None and doc.type in ("fixed_discount", "cashback"):
        value = to_units(value)
    return {"id": doc.id, "code": doc.code, "customerId": doc.customer_id, "programId": doc.program_id,
            "rewardId": doc.reward_id, "rewardName": doc.reward_name, "type": doc.type, "value": value,
            "points": doc.points, "balance": doc.balance_after, "requestId": doc.request_id,
            "createdAt": doc.created_at}


def code_view(doc: Redemption) -> dict:
    """A reward code with where it stands: issued, consumed (by which order, when) or voided (when, why)."""
    return {**redemption_view(doc), "status": doc.status, "orderId": doc.order_id,
            "consumedAt": doc.consumed_at, "voidedAt": doc.voided_at, "voidReason": doc.void_reason}


def page(items: list[dict], total: int, limit: int, offset: int) -> dict:
    """The shared Page, as a plain dict: loyalty's routes answer dicts, whose datetimes FastAPI writes with
    isoformat (`+00:00`); a Page response model would write them as pydantic does (`Z`) and change the answers."""
    return Page[dict](items=items, total=total, limit=limit, offset=offset).model_dump()
