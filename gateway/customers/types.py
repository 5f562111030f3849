"""Customer, Order and Activity as the graph shows them; built from the customers service's JSON."""
from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.audit.types import Actor
from gateway.campaigns.types import Message
from gateway.consents.fields import consents_page
from gateway.consents.types import Consent
from gateway.customers.enums import CustomerStatus, Gender, LoyaltyTier, OrderStatus
from gateway.insights.types import CustomerInsights
from gateway.loyalty.types import LoyaltyAccount
from gateway.metrics_queries.growth import load_growth
from gateway.metrics_queries.types import StatsGrowth
from gateway.pagination import Connection, page_window


@strawberry.type
class Address:
    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    country: str | None = None


@strawberry.type
class Preferences:
    sizes: list[str]
    colors: list[str]
    brands: list[str]
    categories: list[str]


@strawberry.type
class Communication:
    email: bool
    sms: bool
    push: bool


@strawberry.type
class OrderItem:
    sku: str
    name: str
    quantity: int
    unit_price: float
    line_total: float
    size: str | None
    color: str | None
    returned_quantity: int = strawberry.field(description="how many of this item came back")


@strawberry.type
class ReturnedItem:
    sku: str
    quantity: int
    amount: float


@strawberry.type
class OrderReturn:
    id: strawberry.ID
    items: list[ReturnedItem]
    amount: float
    reason: str
    returned_at: datetime


@strawberry.type
class Order:
    id: strawberry.ID
    customer_id: strawberry.ID
    status: OrderStatus
    items: list[OrderItem]
    total: float
    returned_amount: float = strawberry.field(description="what item returns took back from the total")
    returns: list[OrderReturn]
    currency: str
    placed_at: datetime
    paid_at: datetime | None
    updated_at: datetime

    @classmethod
    def from_json(cls, data: dict) -> "Order":
        items = [OrderItem(sku=i["sku"], name=i["name"], quantity=i["quantity"], unit_price=i["unitPrice"],
                           line_total=i["lineTotal"], size=i.get("size"), color=i.get("color"),
                           returned_quantity=i.get("returnedQuantity", 0))
                 for i in data["items"]]
        returns = [OrderReturn(id=r["id"], amount=r["amount"], reason=r["reason"],
                               returned_at=datetime.fromisoformat(r["returnedAt"]),
                               items=[ReturnedItem(sku=i["sku"], quantity=i["quantity"], amount=i["amount"])
                                      for i in r["items"]]) for r in data.get("returns") or []]
        return cls(id=data["id"], customer_id=data["customerId"], status=OrderStatus(data["status"]), items=items,
                   total=data["total"], returned_amount=data.get("returnedAmount", 0), returns=returns,
                   currency=data["currency"], placed_at=datetime.fromisoformat(data["placedAt"]),
                   paid_at=_dt(data.get("paidAt")), updated_at=datetime.fromisoformat(data["updatedAt"]))


@strawberry.type
class RowFailure:
    code: str
    message: str
    field: str | None


@strawberry.type(description="One row of recordOrders: ok with the order id, or the row's error.")
class RecordOrderResult:
    index: int
    ok: bool
    order_id: strawberry.ID | None
    status: OrderStatus | None
    recorded: bool | None = strawberry.field(description="false: this order id was already recorded")
    error: RowFailure | None

    @classmethod
    def from_json(cls, data: dict) -> "RecordOrderResult":
        error = data.get("error")
        return cls(index=data["index"], ok=data["ok"], order_id=data.get("orderId"),
                   status=OrderStatus(data["status"]) if data.get("status") else None, recorded=data.get("recorded"),
                   error=RowFailure(code=error["code"], message=error["message"], field=error.get("field"))
                   if error else None)


@strawberry.type
class Activity:
    id: strawberry.ID
    type: str
    summary: str
    occurred_at: datetime
    data: JSON
    actor: Actor | None = strawberry.field(default=None, description="the staff member or API key behind it; "
                                                                      "null: the system or the storefront")

    @classmethod
    def from_json(cls, data: dict) -> "Activity":
        return cls(id=data["id"], type=data["type"], summary=data["summary"],
                   occurred_at=datetime.fromisoformat(data["occurredAt"]), data=data.get("data") or {},
                   actor=Actor.from_json(data.get("actor")))


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.type
class Customer:
    id: strawberry.ID
    first_name: str
    last_name: str
    email: str
    phone: str | None
    date_of_birth: date | None
    gender: Gender | None
    address: Address
    preferences: Preferences
    communication: Communication
    loyalty_points: int
    loyalty_tier: LoyaltyTier
    total_spent: float
    total_orders: int
    average_order_value: float
    last_purchase_date: datetime | None
    registration_date: datetime
    status: CustomerStatus
    tags: list[str]
    notes: str | None
    avatar: str | None
    created_at: datetime
    updated_at: datetime
    merged_into: strawberry.ID | None = strawberry.field(
        default=None, description="set when this customer was merged into another (mergeCustomers): the id to use "
                                  "now; this one answers as a tombstone with no orders, points or messages")
    insights: CustomerInsights | None = strawberry.field(
        default=None, description="RFM, lifetime value and churn risk (docs/insights.md); null until the customer "
                                  "has an order and was scored. Comes with the customer: no extra call.")

    @strawberry.field(description="Purchase history, newest first.")
    async def orders(self, info: Info, first: int = 10, after: str | None = None) -> Connection[Order]:
        limit, offset = page_window(first, after)
        page = await info.context.loaders.orders_by_customer_id.load((self.id, limit, offset))
        return Connection.from_page([Order.from_json(o) for o in page["items"]], offset=offset, total=page["total"])

    @strawberry.field(description="Activity timeline, newest first.")
    async def activity(self, info: Info, first: int = 20, after: str | None = None) -> Connection[Activity]:
        limit, offset = page_window(first, after)
        page = await info.context.loaders.activity_by_customer_id.load((self.id, limit, offset))
        return Connection.from_page([Activity.from_json(a) for a in page["items"]], offset=offset,
                                    total=page["total"])

    @strawberry.field(description="Loyalty account (points, tier, ledger, rewards), from the loyalty service.")
    async def loyalty(self, info: Info) -> LoyaltyAccount:
        return await info.context.loaders.loyalty_by_customer_id.load(self.id)

    @strawberry.field(description="Campaign messages sent to this customer, newest first.")
    async def messages(self, info: Info, first: int = 10, after: str | None = None) -> Connection[Message]:
        limit, offset = page_window(first, after)
        page = await info.context.loaders.messages_by_customer_id.load((self.id, limit, offset))
        return Connection.from_page(page.items, offset=offset, total=page.total)

    @strawberry.field(description="The consent ledger, newest first: every grant and revoke with its proof; "
                                  "`communication` is what it says today.")
    async def consents(self, info: Info, first: int = 20, after: str | None = None) -> Connection[Consent]:
        return await consents_page(self.id, info, first, after)

    @classmethod
    def from_json(cls, data: dict) -> "Customer":
        address = data.get("address") or {}
        return cls(
            id=data["id"], first_name=data["firstName"], last_name=data["lastName"], email=data["email"],
            phone=data.get("phone"),
            date_of_birth=date.fromisoformat(data["dateOfBirth"]) if data.get("dateOfBirth") else None,
            gender=Gender(data["gender"]) if data.get("gender") else None,
            address=Address(street=address.get("street"), city=address.get("city"), state=address.get("state"),
                            zip_code=address.get("zipCode"), country=address.get("country")),
            preferences=Preferences(**data["preferences"]), communication=Communication(**data["communication"]),
            loyalty_points=data["loyaltyPoints"], loyalty_tier=LoyaltyTier(data["loyaltyTier"]),
            total_spent=data["totalSpent"], total_orders=data["totalOrders"],
            average_order_value=data["averageOrderValue"], last_purchase_date=_dt(data.get("lastPurchaseDate")),
            registration_date=datetime.fromisoformat(data["registrationDate"]),
            status=CustomerStatus(data["status"]), tags=data["tags"], notes=data.get("notes"),
            avatar=data.get("avatar"), created_at=datetime.fromisoformat(data["createdAt"]),
            updated_at=datetime.fromisoformat(data["updatedAt"]), merged_into=data.get("mergedInto"),
            insights=CustomerInsights.from_json(data.get("insights")),
        )


@strawberry.type
class CustomerStats:
    total_customers: int
    active_customers: int
    loyalty_members: int
    average_order_value: float
    new_customers_this_month: int
    new_customers_last_month: int
    new_customers_growth_percent: float | None
    growth_params: strawberry.Private[dict] = None  # the period customerStats was asked for (metrics_queries)

    @strawberry.field(description="Growth over the period asked for (customerStats(period) or from/to; default "
                                  "MONTH) against the previous one: customers, active customers, orders, revenue, "
                                  "average order value, repeat-purchase rate (docs/insights.md).")
    async def growth(self, info: Info) -> StatsGrowth:
        return await load_growth(info, self.growth_params or {})
