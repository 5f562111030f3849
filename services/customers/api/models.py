"""Response models: what the API shows, in currency units and camelCase."""
from datetime import date, datetime
from typing import Any

from pydantic import Field

from services.customers.domain.customers import Address, Communication, Preferences
from services.customers.domain.records import ActivityEntry
from services.customers.insights.api.models import InsightsPublic
from shared.api import PublicModel
from shared.money import divide_minor, to_units


class CustomerPublic(PublicModel):
    id: str
    first_name: str = Field(alias="firstName")
    last_name: str = Field(alias="lastName")
    email: str
    phone: str | None = None
    date_of_birth: date | None = Field(None, alias="dateOfBirth")
    gender: str | None = None
    address: Address
    preferences: Preferences
    communication: Communication
    loyalty_points: int = Field(alias="loyaltyPoints")
    loyalty_tier: str = Field(alias="loyaltyTier")
    total_spent: float = Field(alias="totalSpent")
    total_orders: int = Field(alias="totalOrders")
    average_order_value: float = Field(alias="averageOrderValue")
    last_purchase_date: datetime | None = Field(None, alias="lastPurchaseDate")
    registration_date: datetime = Field(alias="registrationDate")
    status: str
    tags: list[str]
    notes: str | None = None
    avatar: str | None = None
    merged_into: str | None = Field(None, alias="mergedInto",
                                    description="set on a merged customer's tombstone: the customer it became")
    insights: InsightsPublic | None = Field(None, description="RFM, lifetime value and churn risk (docs/insights.md); "
                                                              "null until the customer has an order and was scored")
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")

    @classmethod
    def from_doc(cls, doc: dict) -> "CustomerPublic":
        spent = doc.get("totalSpentMinor", 0)
        orders = doc.get("totalOrders", 0)
        return cls(
            id=doc["_id"], **{k: doc.get(k) for k in (
                "firstName", "lastName", "email", "phone", "dateOfBirth", "gender", "lastPurchaseDate",
                "registrationDate", "status", "notes", "avatar", "createdAt", "updatedAt")},
            address=doc.get("address") or {}, preferences=doc.get("preferences") or {},
            communication=doc.get("communication") or {}, tags=doc.get("tags") or [],
            loyaltyPoints=doc.get("loyaltyPoints", 0), loyaltyTier=doc.get("loyaltyTier") or "bronze",
            totalSpent=to_units(spent), totalOrders=orders, averageOrderValue=to_units(divide_minor(spent, orders)),
            mergedInto=doc.get("mergedInto"), insights=InsightsPublic.from_doc(doc.get("insights")),
        )


class OrderItemPublic(PublicModel):
    sku: str
    name: str
    quantity: int
    unit_price: float = Field(alias="unitPrice")
    line_total: float = Field(alias="lineTotal")
    size: str | None = None
    color: str | None = None
    returned_quantity: int = Field(0, alias="returnedQuantity")


class ReturnedItemPublic(PublicModel):
    sku: str
    quantity: int
    amount: float


class OrderReturnPublic(PublicModel):
    id: str
    items: list[ReturnedItemPublic]
    amount: float
    reason: str
    returned_at: datetime = Field(alias="returnedAt")


class OrderPublic(PublicModel):
    id: str
    customer_id: str = Field(alias="customerId")
    status: str
    items: list[OrderItemPublic]
    total: float
    returned_amount: float = Field(0, alias="returnedAmount", description="what item returns took back")
    returns: list[OrderReturnPublic] = []
    currency: str
    placed_at: datetime = Field(alias="placedAt")
    paid_at: datetime | None = Field(None, alias="paidAt")
    updated_at: datetime = Field(alias="updatedAt")

    @classmethod
    def from_doc(cls, doc: dict, currency: str) -> "OrderPublic":
        items = [OrderItemPublic(sku=i["sku"], name=i["name"], quantity=i["quantity"],
                                 unitPrice=to_units(i["unitPriceMinor"]),
                                 lineTotal=to_units(i["unitPriceMinor"] * i["quantity"]),
                                 size=i.get("size"), color=i.get("color"),
                                 returnedQuantity=i.get("returnedQuantity", 0)) for i in doc["items"]]
        returns = [OrderReturnPublic(id=r["id"], amount=to_units(r["amountMinor"]), reason=r["reason"],
                                     returnedAt=r["returnedAt"],
                                     items=[ReturnedItemPublic(sku=i["sku"], quantity=i["quantity"],
                                                               amount=to_units(i["amountMinor"])) for i in r["items"]])
                   for r in doc.get("returns", [])]
        return cls(id=doc["_id"], customerId=doc["customerId"], status=doc["status"], items=items,
                   total=to_units(doc["totalMinor"]), returnedAmount=to_units(doc.get("returnedMinor", 0)),
                   returns=returns, currency=currency, placedAt=doc["placedAt"], paidAt=doc.get("paidAt"),
                   updatedAt=doc["updatedAt"])


class RowFailure(PublicModel):
    code: str
    message: str
    field: str | None = None


class BulkOrderResult(PublicModel):
    index: int
    ok: bool
    order_id: str | None = Field(None, alias="orderId")
    status: str | None = Field(None, description="the order's status (ok rows)")
    recorded: bool | None = Field(None, description="false: this order id was already recorded for the customer")
    error: RowFailure | None = None


class ActivityPublic(PublicModel):
    id: str
    customer_id: str = Field(alias="customerId")
    type: str
    summary: str
    occurred_at: datetime = Field(alias="occurredAt")
    data: dict[str, Any] = {}
    actor: dict[str, Any] | None = Field(None, description="the staff member or API key behind it; null: the system")

    @classmethod
    def from_entry(cls, entry: ActivityEntry) -> "ActivityPublic":
        return cls(id=entry.id, customerId=entry.customer_id, type=entry.kind, summary=entry.summary,
                   occurredAt=entry.occurred_at, data=entry.data, actor=entry.actor)


class CustomerStats(PublicModel):
    total_customers: int = Field(alias="totalCustomers")
    active_customers: int = Field(alias="activeCustomers")
    loyalty_members: int = Field(alias="loyaltyMembers")
    average_order_value: float = Field(alias="averageOrderValue")
    new_customers_this_month: int = Field(alias="newCustomersThisMonth")
    new_customers_last_month: int = Field(alias="newCustomersLastMonth")
    new_customers_growth_percent: float | None = Field(alias="newCustomersGrowthPercent")
