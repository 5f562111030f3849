"""LoyaltyProgram with its tiers, rewards and analytics, as the graph shows them."""
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.customers.enums import LoyaltyTier
from gateway.loyalty.enums import ProgramType
from gateway.loyalty.types import LoyaltyReward


@strawberry.type
class LoyaltyTierLevel:
    name: LoyaltyTier
    min_points: int
    multiplier: float
    benefits: list[str]


@strawberry.type
class TierMembers:
    tier: LoyaltyTier
    members: int


@strawberry.type
class RewardStats:
    reward_id: strawberry.ID
    name: str
    redemptions: int
    points: int


@strawberry.type
class PeriodStats:
    period: str
    issued: int
    redeemed: int
    expired: int
    clawed_back: int
    shortfall: int
    redemption_rate: float


@strawberry.type
class ProgramAnalytics:
    members: int
    members_per_tier: list[TierMembers]
    points_issued: int
    points_redeemed: int
    points_expired: int
    points_clawed_back: int
    clawback_shortfall: int
    points_outstanding: int = strawberry.field(description="the liability: points members hold now")
    redemption_rate: float = strawberry.field(description="points redeemed / points issued")
    top_rewards: list[RewardStats]
    periods: list[PeriodStats]

    @classmethod
    def from_json(cls, data: dict) -> "ProgramAnalytics":
        return cls(
            members=data["members"],
            members_per_tier=[TierMembers(tier=LoyaltyTier(t), members=n) for t, n in data["membersPerTier"].items()],
            points_issued=data["pointsIssued"], points_redeemed=data["pointsRedeemed"],
            points_expired=data["pointsExpired"], points_clawed_back=data["pointsClawedBack"],
            clawback_shortfall=data["clawbackShortfall"], points_outstanding=data["pointsOutstanding"],
            redemption_rate=data["redemptionRate"],
            top_rewards=[RewardStats(reward_id=r["rewardId"], name=r["name"], redemptions=r["redemptions"],
                                     points=r["points"]) for r in data["topRewards"]],
            periods=[PeriodStats(period=p["period"], issued=p["issued"], redeemed=p["redeemed"], expired=p["expired"],
                                 clawed_back=p["clawedBack"], shortfall=p["shortfall"],
                                 redemption_rate=p["redemptionRate"]) for p in data["periods"]])


@strawberry.type
class LoyaltyProgram:
    id: strawberry.ID
    name: str
    description: str
    type: ProgramType
    start_date: datetime
    end_date: datetime
    tiers: list[LoyaltyTierLevel]
    rewards: list[LoyaltyReward]
    is_active: bool
    points_per_unit: int = strawberry.field(description="base rate: points per currency unit spent")
    is_default: bool

    @strawberry.field(description="Members, points flows, liability and top rewards; optionally within dates.")
    async def analytics(self, info: Info,
                        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
                        to: datetime | None = None) -> ProgramAnalytics:
        params = {k: v.isoformat() for k, v in (("from", from_), ("to", to)) if v is not None}
        return await info.context.clients.loyalty.analytics(self.id, params)

    @classmethod
    def from_json(cls, data: dict) -> "LoyaltyProgram":
        return cls(id=data["id"], name=data["name"], description=data["description"], type=ProgramType(data["type"]),
                   start_date=datetime.fromisoformat(data["startDate"]),
                   end_date=datetime.fromisoformat(data["endDate"]),
                   tiers=[LoyaltyTierLevel(name=LoyaltyTier(t["name"]), min_points=t["minPoints"],
                                           multiplier=t["multiplier"], benefits=t["benefits"]) for t in data["tiers"]],
                   rewards=[LoyaltyReward.from_json(r) for r in data["rewards"]], is_active=data["isActive"],
                   points_per_unit=data["pointsPerUnit"], is_default=data["isDefault"])
