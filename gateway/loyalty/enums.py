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
    deduct = "deduct"
    void = "void"
    merge_out = "merge_out"  # a merged customer's points leaving their account (mergeCustomers)
    merge_in = "merge_in"  # ... and arriving on the kept customer's


@strawberry.enum
class RewardCodeStatus(Enum):
    issued = "issued"
    consumed = "consumed"
    voided = "voided"


@strawberry.enum(description="why a reward code can't pay for this order")
class RewardCodeRejection(Enum):
    consumed = "consumed"
    voided = "voided"
    other_customer = "other_customer"
    order_total_below_value = "order_total_below_value"
