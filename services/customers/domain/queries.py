"""The customer list's filters, sorting and paging, as the API accepts them."""
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.customers.domain.fields import CustomerStatus, LoyaltyTier
from shared.timestamps import Timestamp

SortField = Literal["registrationDate", "lastPurchaseDate", "totalSpent", "totalOrders", "lastName", "firstName",
                    "email", "loyaltyPoints", "createdAt", "churnRisk", "predictedClv", "historicClv", "rfmScore"]
# The RFM groups (services/customers/insights/domain/rfm.py GROUPS), as the list filter takes them.
RfmGroup = Literal["Champions", "Loyal", "Potential loyalists", "New", "Promising", "Need attention",
                   "About to sleep", "At risk", "Cannot lose them", "Hibernating", "Lost"]
MAX_PAGE = 100
MAX_AMOUNT = Decimal(10 ** 12)
MAX_COUNT = 10 ** 9


def _split(value):
    """Accepts `a,b`, repeated parameters, or both."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
    return value


class CustomerQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    ids: list[str] | None = Field(None, max_length=MAX_PAGE)
    status: list[CustomerStatus] | None = None
    tier: list[LoyaltyTier] | None = None
    tags: list[str] | None = Field(None, description="customers carrying every one of these tags")
    # Bounded so the filter fits MongoDB's 8-byte ints; cents at most, as amounts are stored in minor units.
    min_spent: Decimal | None = Field(None, alias="minSpent", ge=0, le=MAX_AMOUNT, decimal_places=2)
    max_spent: Decimal | None = Field(None, alias="maxSpent", ge=0, le=MAX_AMOUNT, decimal_places=2)
    min_orders: int | None = Field(None, alias="minOrders", ge=0, le=MAX_COUNT)
    max_orders: int | None = Field(None, alias="maxOrders", ge=0, le=MAX_COUNT)
    registered_from: Timestamp | None = Field(None, alias="registeredFrom")
    registered_to: Timestamp | None = Field(None, alias="registeredTo")
    last_purchase_from: Timestamp | None = Field(None, alias="lastPurchaseFrom")
    last_purchase_to: Timestamp | None = Field(None, alias="lastPurchaseTo")
    # Insights (docs/insights.md): customers not scored yet match none of these.
    rfm_group: list[RfmGroup] | None = Field(None, alias="rfmGroup", description="customers in any of these groups")
    min_churn_risk: float | None = Field(None, alias="minChurnRisk", ge=0, le=1)
    max_churn_risk: float | None = Field(None, alias="maxChurnRisk", ge=0, le=1)
    min_predicted_clv: Decimal | None = Field(None, alias="minPredictedClv", ge=0, le=MAX_AMOUNT, decimal_places=2)
    max_predicted_clv: Decimal | None = Field(None, alias="maxPredictedClv", ge=0, le=MAX_AMOUNT, decimal_places=2)
    q: str | None = Field(None, max_length=100,
                         description="words that each begin a name word, the email or the phone's digits")
    sort: SortField = "registrationDate"
    order: Literal["asc", "desc"] = "desc"
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=1_000_000)

    _split_lists = field_validator("ids", "status", "tier", "tags", "rfm_group", mode="before")(_split)

    @model_validator(mode="after")
    def _ranges(self) -> "CustomerQuery":
        pairs = [("minSpent", self.min_spent, self.max_spent), ("minOrders", self.min_orders, self.max_orders),
                 ("registeredFrom", self.registered_from, self.registered_to),
                 ("lastPurchaseFrom", self.last_purchase_from, self.last_purchase_to),
                 ("minChurnRisk", self.min_churn_risk, self.max_churn_risk),
                 ("minPredictedClv", self.min_predicted_clv, self.max_predicted_clv)]
        for name, low, high in pairs:
            if low is not None and high is not None and low > high:
                raise ValueError(f"{name} must not be greater than its upper bound")
        return self
