"""Input types of the loyalty mutations; the loyalty service validates them and names the field at fault."""
from datetime import datetime

import strawberry
from strawberry import UNSET

from gateway.customers.enums import LoyaltyTier
from gateway.loyalty.enums import ProgramType, RewardType


@strawberry.input
class LoyaltyTierInput:
    name: LoyaltyTier
    min_points: int
    multiplier: float | None = UNSET
    benefits: list[str] | None = UNSET


@strawberry.input
class LoyaltyRewardInput:
    id: strawberry.ID | None = UNSET
    name: str
    description: str | None = UNSET
    type: RewardType
    points_cost: int
    value: float | None = UNSET
    stock: int | None = UNSET
    is_active: bool | None = UNSET


@strawberry.input
class LoyaltyProgramInput:
    name: str
    description: str | None = UNSET
    type: ProgramType
    start_date: datetime
    end_date: datetime
    tiers: list[LoyaltyTierInput]
    rewards: list[LoyaltyRewardInput] | None = UNSET
    is_active: bool | None = UNSET
    points_per_unit: int | None = UNSET


@strawberry.input
class LoyaltyProgramUpdateInput:
    name: str | None = UNSET
    description: str | None = UNSET
    type: ProgramType | None = UNSET
    start_date: datetime | None = UNSET
    end_date: datetime | None = UNSET
    tiers: list[LoyaltyTierInput] | None = UNSET
    rewards: list[LoyaltyRewardInput] | None = UNSET
    is_active: bool | None = UNSET
    points_per_unit: int | None = UNSET
