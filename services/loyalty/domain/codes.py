"""Request bodies for reward codes at checkout and staff deductions, and what makes a code unusable."""
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from services.loyalty.domain.commands import RequestId
from services.loyalty.domain.programs import InputModel


def _cents(value: Decimal) -> Decimal:
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("at most 2 decimal places")
    return value


CustomerId = Field(None, alias="customerId", min_length=1, max_length=100,
                   description="the customer at checkout; a code only serves the customer it was issued to")

# Why a code can't be used now; the storefront shows its own wording for each.
Rejection = Literal["consumed", "voided", "other_customer", "order_total_below_value"]


class CodeValidate(InputModel):
    customer_id: str | None = CustomerId
    order_total: Annotated[Decimal, Field(ge=0, le=Decimal("100000000")), AfterValidator(_cents)] | None = \
        Field(None, alias="orderTotal", description="currency units; a fixed discount needs at least its value")


class CodeConsume(InputModel):
    order_id: str = Field(alias="orderId", min_length=1, max_length=100)
    customer_id: str | None = CustomerId


class CodeVoid(InputModel):
    reason: str = Field(min_length=1, max_length=200)


class PointsDeduct(InputModel):
    points: int = Field(ge=1, le=1_000_000, description="taken off the balance; positive")
    reason: str = Field(min_length=1, max_length=200)
    request_id: str | None = RequestId
