"""Loyalty account, ledger, rewards and redemptions as the graph shows them; the loyalty client builds them from
the service's JSON (from_json), once."""
from datetime import datetime

import strawberry
from strawberry.types import Info

from gateway.audit.types import Actor
from gateway.customers.enums import LoyaltyTier
from gateway.loyalty.enums import LedgerKind, RewardCodeRejection, RewardCodeStatus, RewardType
from gateway.pagination import Connection, page_window


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.type
class NextTier:
    name: LoyaltyTier
    remaining: int = strawberry.field(description="qualifying points still needed")


@strawberry.type
class LoyaltyReward:
    id: strawberry.ID
    name: str
    description: str | None
    type: RewardType
    points_cost: int
    value: float | None = strawberry.field(description="percent for percent_discount, currency units otherwise")
    stock: int | None
    stock_remaining: int | None
    is_active: bool

    @classmethod
    def from_json(cls, data: dict) -> "LoyaltyReward":
        return cls(id=data["id"], name=data["name"], description=data.get("description"),
                   type=RewardType(data["type"]), points_cost=data["pointsCost"], value=data.get("value"),
                   stock=data.get("stock"), stock_remaining=data.get("stockRemaining"), is_active=data["isActive"])


@strawberry.type
class LoyaltyLedgerEntry:
    id: strawberry.ID
    kind: LedgerKind
    points: int
    balance_after: int
    reason: str
    order_id: str | None
    reward_id: str | None
    shortfall: int | None
    expires_at: datetime | None
    created_at: datetime
    actor: Actor | None = strawberry.field(default=None, description="the staff member or API key behind a manual "
                                                                      "credit, redemption or bulk award; null: the "
                                                                      "system (orders, expiry)")

    @classmethod
    def from_json(cls, data: dict) -> "LoyaltyLedgerEntry":
        return cls(id=data["id"], kind=LedgerKind(data["kind"]), points=data["points"],
                   balance_after=data["balanceAfter"], reason=data["reason"], order_id=data.get("orderId"),
                   reward_id=data.get("rewardId"), shortfall=data.get("shortfall"),
                   expires_at=_dt(data.get("expiresAt")), created_at=datetime.fromisoformat(data["createdAt"]),
                   actor=Actor.from_json(data.get("actor")))


@strawberry.type
class LoyaltyAccount:
    customer_id: strawberry.ID
    points: int = strawberry.field(description="the balance that can be redeemed")
    tier: LoyaltyTier
    lifetime_points: int
    qualifying_points: int = strawberry.field(description="points counting toward the tier this period")
    shortfall: int = strawberry.field(description="refunded points the balance could not cover")
    next_tier: NextTier | None
    available_rewards: list[LoyaltyReward] = strawberry.field(description="active, in stock and affordable now")

    @strawberry.field(description="Point changes, newest first.")
    async def ledger(self, info: Info, first: int = 20, after: str | None = None) -> Connection[LoyaltyLedgerEntry]:
        limit, offset = page_window(first, after)
        page = await info.context.loaders.loyalty_ledger_by_customer_id.load((self.customer_id, limit, offset))
        return Connection.from_page(page.items, offset=offset, total=page.total)

    @classmethod
    def from_json(cls, data: dict) -> "LoyaltyAccount":
        upcoming = data.get("nextTier")
        return cls(customer_id=data["customerId"], points=data["points"], tier=LoyaltyTier(data["tier"]),
                   lifetime_points=data["lifetimePoints"], qualifying_points=data["qualifyingPoints"],
                   shortfall=data["shortfall"],
                   next_tier=NextTier(name=LoyaltyTier(upcoming["name"]), remaining=upcoming["remaining"])
                   if upcoming else None,
                   available_rewards=[LoyaltyReward.from_json(r) for r in data["availableRewards"]])


@strawberry.type
class LoyaltyRedemption:
    id: strawberry.ID
    code: str
    customer_id: strawberry.ID
    reward_id: strawberry.ID
    reward_name: str
    type: RewardType
    value: float | None
    points: int
    balance: int = strawberry.field(description="points left after this redemption")
    created_at: datetime

    @classmethod
    def from_json(cls, data: dict) -> "LoyaltyRedemption":
        return cls(id=data["id"], code=data["code"], customer_id=data["customerId"], reward_id=data["rewardId"],
                   reward_name=data["rewardName"], type=RewardType(data["type"]), value=data.get("value"),
                   points=data["points"], balance=data["balance"],
                   created_at=datetime.fromisoformat(data["createdAt"]))


@strawberry.type(description="A redemption's code at checkout: issued, then consumed by one order or voided.")
class RewardCode:
    code: str
    status: RewardCodeStatus
    customer_id: strawberry.ID
    reward_id: strawberry.ID
    reward_name: str
    type: RewardType
    value: float | None = strawberry.field(description="percent for percent_discount, currency units otherwise")
    points: int
    created_at: datetime
    order_id: strawberry.ID | None = strawberry.field(description="the order that consumed it")
    consumed_at: datetime | None
    voided_at: datetime | None
    void_reason: str | None

    @classmethod
    def from_json(cls, data: dict) -> "RewardCode":
        return cls(code=data["code"], status=RewardCodeStatus(data["status"]), customer_id=data["customerId"],
                   reward_id=data["rewardId"], reward_name=data["rewardName"], type=RewardType(data["type"]),
                   value=data.get("value"), points=data["points"], created_at=datetime.fromisoformat(data["createdAt"]),
                   order_id=data.get("orderId"), consumed_at=_dt(data.get("consumedAt")),
                   voided_at=_dt(data.get("voidedAt")), void_reason=data.get("voidReason"))


@strawberry.type
class RewardCodeValidation:
    code: str
    valid: bool
    reason: RewardCodeRejection | None = strawberry.field(description="null when valid")
    status: RewardCodeStatus

    @classmethod
    def from_json(cls, data: dict) -> "RewardCodeValidation":
        return cls(code=data["code"], valid=data["valid"],
                   reason=RewardCodeRejection(data["reason"]) if data.get("reason") else None,
                   status=RewardCodeStatus(data["status"]))
