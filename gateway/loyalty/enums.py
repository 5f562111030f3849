"""Loyalty enums with the service's lower-case values."""
from enum import Enum

import strawberry


@strawberry.enum
class ProgramType(Enum):
    quarterly = "quarterly"
    annual = "annual"
    custom = "custom"


@strawberry.enum
class RewardType(Enum):
    percent_discount = "percent_discount"
    fixed_discount = "fixed_discount"
    free_shipping = "free_shipping"
    gift = "gift"
    cashback = "cashback"


@strawberry.enum
class LedgerKind(Enum):
    earn = "earn"
    adjust = "adjust"
    redeem = "redeem"
    expire = "expire"
    clawback = "clawback"
