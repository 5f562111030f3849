"""Program documents as stored: integer points and minor units, built from request models; the default program."""
import uuid
from datetime import datetime, timezone

from services.loyalty.domain.programs import ProgramCreate, ProgramUpdate, RewardInput, TierInput
from shared.money import to_minor

# The default program: open-ended and quarterly, so qualification restarts each calendar quarter.
DEFAULT_PROGRAM_ID = "default"
DEFAULT_TIERS = [
    {"name": "bronze", "minPoints": 0, "multiplierPercent": 100, "benefits": ["Earn 1 point per unit spent"]},
    {"name": "silver", "minPoints": 500, "multiplierPercent": 125, "benefits": ["1.25x points", "Birthday gift"]},
    {"name": "gold", "minPoints": 1500, "multiplierPercent": 150,
     "benefits": ["1.5x points", "Free shipping on every order"]},
    {"name": "platinum", "minPoints": 5000, "multiplierPercent": 200,
     "benefits": ["2x points", "Free express shipping", "Early access to new collections"]},
]
DEFAULT_REWARDS = [
    {"id": "default-5-off", "name": "5 off your next order", "description": None, "type": "fixed_discount",
     "pointsCost": 500, "value": 500, "stock": None, "isActive": True},
    {"id": "default-10-percent", "name": "10% off", "description": None, "type": "percent_discount",
     "pointsCost": 1000, "value": 10, "stock": None, "isActive": True},
    {"id": "default-free-shipping", "name": "Free shipping", "description": None, "type": "free_shipping",
     "pointsCost": 300, "value": None, "stock": None, "isActive": True},
]


def tier_doc(tier: TierInput) -> dict:
    return {"name": tier.name, "minPoints": tier.min_points, "multiplierPercent": int(tier.multiplier * 100),
            "benefits": tier.benefits}


def reward_doc(reward: RewardInput) -> dict:
    """value is stored as percent (percent_discount) or minor units (fixed_discount, cashback)."""
    if reward.value is None:
        value = None
    elif reward.type == "percent_discount":
        value = int(reward.value)
    else:
        value = to_minor(reward.value)
    return {"id": reward.id or str(uuid.uuid4()), "name": reward.name, "description": reward.description,
            "type": reward.type, "pointsCost": reward.points_cost, "value": value, "stock": reward.stock,
            "isActive": reward.is_active}


def new_program(body: ProgramCreate, now: datetime) -> dict:
    return {"_id": str(uuid.uuid4()), "name": body.name, "description": body.description or "", "type": body.type,
            "startDate": body.start_date.astimezone(timezone.utc), "endDate": body.end_date.astimezone(timezone.utc),
            "tiers": [tier_doc(t) for t in body.tiers], "rewards": [reward_doc(r) for r in body.rewards],
            "isActive": body.is_active, "pointsPerUnit": body.points_per_unit, "isDefault": False,
            "createdAt": now, "updatedAt": now}


def updated_program(current: dict, body: ProgramUpdate, now: datetime) -> dict:
    """The whole program after applying the fields the update sent."""
    sent = body.model_fields_set
    doc = dict(current)
    simple = {"name": "name", "description": "description", "type": "type", "is_active": "isActive",
              "points_per_unit": "pointsPerUnit"}
    for attr, key in simple.items():
        if attr in sent and getattr(body, attr) is not None:
            doc[key] = getattr(body, attr)
    if "start_date" in sent and body.start_date is not None:
        doc["startDate"] = body.start_date.astimezone(timezone.utc)
    if "end_date" in sent and body.end_date is not None:
        doc["endDate"] = body.end_date.astimezone(timezone.utc)
    if "tiers" in sent and body.tiers is not None:
        doc["tiers"] = [tier_doc(t) for t in body.tiers]
    if "rewards" in sent and body.rewards is not None:
        doc["rewards"] = [reward_doc(r) for r in body.rewards]
    doc["updatedAt"] = now
    return doc


def default_program(now: datetime) -> dict:
    return {"_id": DEFAULT_PROGRAM_ID, "name": "Joantees Rewards",
            "description": "Bronze, Silver, Gold and Platinum; qualification restarts every calendar quarter.",
            "type": "quarterly", "startDate": datetime(2020, 1, 1, tzinfo=timezone.utc),
            "endDate": datetime(2100, 1, 1, tzinfo=timezone.utc), "tiers": DEFAULT_TIERS,
            "rewards": DEFAULT_REWARDS, "isActive": True, "pointsPerUnit": 1, "isDefault": True,
            "createdAt": now, "updatedAt": now}
