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
