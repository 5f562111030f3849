"""Programs as stored: integer points and minor units, built from request models; the default program."""
import uuid
from dataclasses import replace
from datetime import datetime, timezone

from services.loyalty.domain.programs import ProgramCreate, ProgramUpdate, RewardInput, TierInput
from services.loyalty.domain.records import Program, ProgramTier, Reward
from shared.money import to_minor

# The default program: open-ended and quarterly, so qualification restarts each calendar quarter.
DEFAULT_PROGRAM_ID = "default"
DEFAULT_TIERS = (
    ProgramTier("bronze", 0, 100, ("Earn 1 point per unit spent",)),
    ProgramTier("silver", 500, 125, ("1.25x points", "Birthday gift")),
    ProgramTier("gold", 1500, 150, ("1.5x points", "Free shipping on every order")),
    ProgramTier("platinum", 5000, 200, ("2x points", "Free express shipping", "Early access to new collections")),
)
DEFAULT_REWARDS = (
    Reward(id="default-5-off", name="5 off your next order", type="fixed_discount", points_cost=500, value=500),
    Reward(id="default-10-percent", name="10% off", type="percent_discount", points_cost=1000, value=10),
    Reward(id="default-free-shipping", name="Free shipping", type="free_shipping", points_cost=300),
)


def tier_of(tier: TierInput) -> ProgramTier:
    return ProgramTier(name=tier.name, min_points=tier.min_points, multiplier_percent=int(tier.multiplier * 100),
                       benefits=tuple(tier.benefits))


def reward_of(reward: RewardInput) -> Reward:
    """value is stored as percent (percent_discount) or minor units (fixed_discount, cashback)."""
    if reward.value is None:
        value = None
    elif reward.type == "percent_discount":
        value = int(reward.value)
    else:
        value = to_minor(reward.value)
    return Reward(id=reward.id or str(uuid.uuid4()), name=reward.name, description=reward.description,
                  type=reward.type, points_cost=reward.points_cost, value=value, stock=reward.stock,
                  is_active=reward.is_active)


def new_program(body: ProgramCreate, now: datetime) -> Program:
    return Program(id=str(uuid.uuid4()), name=body.name, description=body.description or "", type=body.type,
                   start_date=body.start_date.astimezone(timezone.utc),
                   end_date=body.end_date.astimezone(timezone.utc), tiers=tuple(tier_of(t) for t in body.tiers),
                   rewards=tuple(reward_of(r) for r in body.rewards), is_active=body.is_active,
                   points_per_unit=body.points_per_unit, is_default=False, created_at=now, updated_at=now)


def updated_program(current: Program, body: ProgramUpdate, now: datetime) -> Program:
    """The whole program after applying the fields the update sent (null leaves a field as it was)."""
    sent = body.model_fields_set
    changes: dict = {attr: getattr(body, attr) for attr in ("name", "description", "type", "is_active",
                                                            "points_per_unit")
                     if attr in sent and getattr(body, attr) is not None}
    if "start_date" in sent and body.start_date is not None:
        changes["start_date"] = body.start_date.astimezone(timezone.utc)
    if "end_date" in sent and body.end_date is not None:
        changes["end_date"] = body.end_date.astimezone(timezone.utc)
    if "tiers" in sent and body.tiers is not None:
        changes["tiers"] = tuple(tier_of(t) for t in body.tiers)
    if "rewards" in sent and body.rewards is not None:
        changes["rewards"] = tuple(reward_of(r) for r in body.rewards)
    return replace(current, **changes, updated_at=now)


def default_program(now: datetime) -> Program:
    return Program(id=DEFAULT_PROGRAM_ID, name="Joantees Rewards",
                   description="Bronze, Silver, Gold and Platinum; qualification restarts every calendar quarter.",
                   type="quarterly", start_date=datetime(2020, 1, 1, tzinfo=timezone.utc),
                   end_date=datetime(2100, 1, 1, tzinfo=timezone.utc), tiers=DEFAULT_TIERS,
                   rewards=DEFAULT_REWARDS, is_active=True, points_per_unit=1, is_default=True,
                   created_at=now, updated_at=now)
