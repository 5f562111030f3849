"""Orders: items, statuses and the transitions between them, and what an order adds to a customer's totals."""
from typing import Literal

from pydantic import Field, model_validator

from services.customers.domain.fields import Money
from shared.api import InputModel
from shared.money import to_minor
from shared.timestamps import Timestamp

OrderStatus = Literal["pending", "paid", "shipped", "delivered", "cancelled", "refunded"]

# Cancelled and refunded orders no longer count toward totalSpent and totalOrders.
COUNTED = {"pending", "paid", "shipped", "delivered"}
# An order in one of these has been paid: order.paid is published the first time an order gets there.
PAID = {"paid", "shipped", "delivered"}
# Items can be returned only from a paid order that still counts (a pending one has nothing to give back).
RETURNABLE = PAID
MAX_BULK_ORDERS = 500
RecordableStatus = Literal["pending", "paid", "shipped", "delivered"]
RECORDABLE = ("pending", "paid", "shipped", "delivered")  # what a new order can be (any source)
TRANSITIONS: dict[str, set[str]] = {
    "pending": {"paid", "cancelled"},
    "paid": {"shipped", "cancelled", "refunded"},
    "shipped": {"delivered", "refunded"},
    "delivered": {"refunded"},
    "cancelled": set(),
    "refunded": set(),
}


class OrderItemInput(InputModel):
    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    quantity: int = Field(ge=1, le=10_000)
    unit_price: Money = Field(alias="unitPrice")
    size: str | None = Field(None, max_length=20)
    color: str | None = Field(None, max_length=40)


class OrderCreate(InputModel):
    id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                           description="the storefront's order id; recording the same id twice is a no-op")
    items: list[OrderItemInput] = Field(min_length=1, max_length=500)
    status: RecordableStatus = "paid"
    placed_at: Timestamp | None = Field(None, alias="placedAt")
    currency: str | None = Field(None, min_length=3, max_length=3)

    @model_validator(mode="after")
    def _aware_time(self) -> "OrderCreate":
        if self.placed_at is not None and self.placed_at.tzinfo is None:
            raise ValueError("placedAt needs a time zone, e.g. 2026-01-31T12:00:00Z")
        return self


class BulkOrderRow(OrderCreate):
    """One row of POST /orders/batch: an order of the named customer."""

    customer_id: str = Field(alias="customerId", min_length=1, max_length=64)


class OrderStatusChange(InputModel):
    status: OrderStatus


class ReturnItemInput(InputModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)


class ReturnCreate(InputModel):
    id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                           description="the return's id; the same id again applies once and answers the same")
    items: list[ReturnItemInput] = Field(min_length=1, max_length=500)
    reason: str = Field(min_length=1, max_length=200, description='why, e.g. "too small"')

    @model_validator(mode="after")
    def _reason_has_text(self) -> "ReturnCreate":
        if not self.reason.strip():
            raise ValueError("reason must not be blank")
        return self


def item_documents(items: list[OrderItemInput]) -> list[dict]:
    return [
        {"sku": i.sku, "name": i.name, "quantity": i.quantity, "unitPriceMinor": to_minor(i.unit_price),
         "size": i.size, "color": i.color}
        for i in items
    ]


def order_total_minor(items: list[dict]) -> int:
    return sum(i["quantity"] * i["unitPriceMinor"] for i in items)


def remaining_minor(order: dict) -> int:
    """What the order still counts for: its total less what item returns took back."""
    return order["totalMinor"] - order.get("returnedMinor", 0)


def is_paid(status: str) -> bool:
    return status in PAID


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())


def stops_counting(current: str, target: str) -> bool:
    return current in COUNTED and target not in COUNTED
