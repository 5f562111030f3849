"""What the loyalty stores hand out and take in: typed records, not MongoDB documents."""
from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class Standing:
    """Where an account stands in the program's current qualification period."""

    qualifying_points: int
    period_key: str
    program_id: str
    tier: str
    updated_at: datetime


@dataclass(frozen=True)
class AccountChange:
    """What one posting (or several summed) does to an account: the counters move by these amounts and the
    standing becomes the one given. credited - debited moves exactly as balance does."""

    standing: Standing
    balance: int = 0
    lifetime_points: int = 0
    credited: int = 0
    debited: int = 0
    shortfall: int = 0
    version: int = 1

    def then(self, later: "AccountChange") -> "AccountChange":
        """This change followed by a later one: the amounts add up, the later standing wins."""
        return AccountChange(later.standing, self.balance + later.balance,
                             self.lifetime_points + later.lifetime_points, self.credited + later.credited,
                             self.debited + later.debited, self.shortfall + later.shortfall,
                             self.version + later.version)


@dataclass(frozen=True)
class Account:
    """A member's points: credited - debited == balance, always; lifetime is what was earned (clawbacks take it
    back); the tier and qualifying points belong to the period `period_key`. No account yet reads as zeros."""

    customer_id: str
    balance: int = 0
    lifetime_points: int = 0
    credited: int = 0
    debited: int = 0
    shortfall: int = 0
    qualifying_points: int = 0
    version: int = 0
    tier: str | None = None
    period_key: str | None = None
    program_id: str | None = None
    updated_at: datetime | None = None
    deleted: bool = False

    def after(self, change: AccountChange) -> "Account":
        """The account as the change leaves it."""
        s = change.standing
        return replace(self, balance=self.balance + change.balance,
                       lifetime_points=self.lifetime_points + change.lifetime_points,
                       credited=self.credited + change.credited, debited=self.debited + change.debited,
                       shortfall=self.shortfall + change.shortfall, version=self.version + change.version,
                       qualifying_points=s.qualifying_points, period_key=s.period_key, program_id=s.program_id,
                       tier=s.tier, updated_at=s.updated_at)


@dataclass(frozen=True)
class LedgerEntry:
    """One immutable movement of points (earn, adjust, redeem, expire, clawback, deduct, void); `points` is signed.
    What it refers to (an order, a return, a reward code, a request) is set when there is one."""

    id: str
    customer_id: str
    program_id: str | None
    period: str | None
    kind: str
    points: int
    balance_after: int
    reason: str
    source_type: str
    source_id: str
    created_at: datetime
    expires_at: datetime | None = None
    actor: dict | None = None
    order_id: str | None = None
    base_minor: int | None = None
    return_id: str | None = None
    returned_minor: int | None = None
    shortfall: int | None = None
    earn_entry_id: str | None = None
    reward_id: str | None = None
    redemption_id: str | None = None
    request_id: str | None = None
    merged_id: str | None = None  # merge_in / merge_out: the customer merged into the kept one


SUSPENDED = "suspended"


@dataclass(frozen=True)
class Member:
    """A customer loyalty knows, with their status as of status_at (None: not heard yet); a tombstone is deleted."""

    customer_id: str
    status: str | None = None
    status_at: datetime | None = None
    deleted: bool = False
    deleted_at: datetime | None = None
    since: datetime | None = None
    learnt_from: str | None = None  # event | order | lookup

    @property
    def suspended(self) -> bool:
        return self.status == SUSPENDED


@dataclass(frozen=True)
class PaidOrder:
    """An order loyalty handled a payment (or a refund) of: what it earned (points) on what amount (base_minor),
    and what returns and a refund took back.

    outcome: earned | suspended (the customer was suspended when it was paid) | no-program (none active at placedAt)
             | nothing (it came to zero points) | refunded-unpaid (the refund came first: it must never earn)"""

    order_id: str
    customer_id: str
    outcome: str
    points: int
    base_minor: int
    program_id: str | None
    period: str | None
    earn_entry_id: str | None
    created_at: datetime
    returned_minor: int = 0
    taken_back: int = 0
    returns: tuple[str, ...] = ()
    refunded: bool = False
    placed_at: datetime | None = None
    paid_at: datetime | None = None


@dataclass(frozen=True)
class Redemption:
    """A reward code issued for points: issued, then consumed (once, by one order) or voided. value is percent
    (percent_discount) or minor units. stock_taken None: issued before the flag existed."""

    id: str
    code: str
    customer_id: str
    program_id: str
    reward_id: str
    reward_name: str
    type: str
    value: int | None
    points: int
    balance_after: int
    entry_id: str | None
    created_at: datetime
    status: str = "issued"
    stock_taken: bool | None = None
    request_id: str | None = None
    order_id: str | None = None
    consumed_at: datetime | None = None
    voided_at: datetime | None = None
    void_reason: str | None = None


@dataclass(frozen=True)
class ProgramTier:
    """A tier of a program: reached with min_points qualifying points in the period; earns multiplier_percent of
    the base rate (100 = 1x)."""

    name: str
    min_points: int
    multiplier_percent: int
    benefits: tuple[str, ...] = ()

    @classmethod
    def from_doc(cls, doc: dict) -> "ProgramTier":
        return cls(name=doc["name"], min_points=doc["minPoints"], multiplier_percent=doc["multiplierPercent"],
                   benefits=tuple(doc.get("benefits") or ()))

    def to_doc(self) -> dict:
        return {"name": self.name, "minPoints": self.min_points, "multiplierPercent": self.multiplier_percent,
                "benefits": list(self.benefits)}


@dataclass(frozen=True)
class Reward:
    """A reward of a program. value is percent (percent_discount), minor units (fixed_discount, cashback) or None;
    stock None is unlimited (what is left of a limited one lives in its own document)."""

    id: str
    name: str
    type: str
    points_cost: int
    description: str | None = None
    value: int | None = None
    stock: int | None = None
    is_active: bool = True

    @classmethod
    def from_doc(cls, doc: dict) -> "Reward":
        return cls(id=doc["id"], name=doc["name"], type=doc["type"], points_cost=doc["pointsCost"],
                   description=doc.get("description"), value=doc.get("value"), stock=doc.get("stock"),
                   is_active=doc.get("isActive", True))

    def to_doc(self) -> dict:
        return {"id": self.id, "name": self.name, "description": self.description, "type": self.type,
                "pointsCost": self.points_cost, "value": self.value, "stock": self.stock, "isActive": self.is_active}


@dataclass(frozen=True)
class Program:
    """A loyalty program: its qualification periods follow `type` (quarterly, annual, custom); tiers are ordered
    by threshold, the first at 0 points. Dates are as MongoDB read them."""

    id: str
    name: str
    description: str
    type: str
    start_date: datetime
    end_date: datetime
    tiers: tuple[ProgramTier, ...]
    rewards: tuple[Reward, ...]
    is_active: bool
    points_per_unit: int
    is_default: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_doc(cls, doc: dict) -> "Program":
        return cls(id=doc["_id"], name=doc["name"], description=doc.get("description", ""), type=doc["type"],
                   start_date=doc["startDate"], end_date=doc["endDate"],
                   tiers=tuple(ProgramTier.from_doc(t) for t in doc["tiers"]),
                   rewards=tuple(Reward.from_doc(r) for r in doc.get("rewards") or ()),
                   is_active=doc["isActive"], points_per_unit=doc["pointsPerUnit"],
                   is_default=doc.get("isDefault", False), created_at=doc["createdAt"], updated_at=doc["updatedAt"])

    def to_doc(self) -> dict:
        return {"_id": self.id, "name": self.name, "description": self.description, "type": self.type,
                "startDate": self.start_date, "endDate": self.end_date, "tiers": [t.to_doc() for t in self.tiers],
                "rewards": [r.to_doc() for r in self.rewards], "isActive": self.is_active,
                "pointsPerUnit": self.points_per_unit, "isDefault": self.is_default, "createdAt": self.created_at,
                "updatedAt": self.updated_at}

    def reward(self, reward_id: str) -> Reward | None:
        return next((r for r in self.rewards if r.id == reward_id), None)

    @property
    def limited_reward_ids(self) -> list[str]:
        """The rewards with a limited stock, whose remaining units are read beside the program."""
        return [r.id for r in self.rewards if r.stock is not None]
