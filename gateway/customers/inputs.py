"""Input types for customer queries and mutations; field names match the REST API."""
from datetime import date, datetime

import strawberry
from strawberry import UNSET

from gateway.consents.inputs import ConsentProofInput
from gateway.customers.enums import CustomerStatus, Gender, InteractionKind, LoyaltyTier, OrderStatus
from gateway.insights.types import RfmGroup


@strawberry.input
class CustomerFilter:
    status: list[CustomerStatus] | None = UNSET
    tier: list[LoyaltyTier] | None = UNSET
    tags: list[str] | None = strawberry.field(default=UNSET, description="customers carrying all these tags")
    min_spent: float | None = UNSET
    max_spent: float | None = UNSET
    min_orders: int | None = UNSET
    max_orders: int | None = UNSET
    registered_from: datetime | None = UNSET
    registered_to: datetime | None = UNSET
    last_purchase_from: datetime | None = UNSET
    last_purchase_to: datetime | None = UNSET
    rfm_group: list[RfmGroup] | None = strawberry.field(default=UNSET, description="customers in any of these RFM "
                                                        "groups (customers not scored yet match no insights filter)")
    min_churn_risk: float | None = strawberry.field(default=UNSET, description="0-1")
    max_churn_risk: float | None = strawberry.field(default=UNSET, description="0-1")
    min_predicted_clv: float | None = UNSET
    max_predicted_clv: float | None = UNSET
    search: str | None = strawberry.field(
        default=UNSET, description="prefix search: words that start a first or last name, the email, or a phone "
                                   "number (docs/customers.md, Search)")


@strawberry.input
class AddressInput:
    street: str | None = UNSET
    city: str | None = UNSET
    state: str | None = UNSET
    zip_code: str | None = UNSET
    country: str | None = UNSET


@strawberry.input
class PreferencesInput:
    sizes: list[str] | None = UNSET
    colors: list[str] | None = UNSET
    brands: list[str] | None = UNSET
    categories: list[str] | None = UNSET


@strawberry.input
class CommunicationInput:
    email: bool | None = UNSET
    sms: bool | None = UNSET
    push: bool | None = UNSET


@strawberry.input
class CustomerCreateInput:
    first_name: str
    last_name: str
    email: str
    phone: str | None = UNSET
    date_of_birth: date | None = UNSET
    gender: Gender | None = UNSET
    address: AddressInput | None = UNSET
    preferences: PreferencesInput | None = UNSET
    communication: CommunicationInput | None = UNSET
    status: CustomerStatus | None = UNSET
    tags: list[str] | None = UNSET
    notes: str | None = UNSET
    avatar: str | None = UNSET
    consent: ConsentProofInput | None = strawberry.field(default=UNSET, description="how the opt-ins in "
                                                         "communication were given (the consent ledger's proof)")


@strawberry.input(description="Only the fields given change; null clears an optional field.")
class CustomerUpdateInput:
    first_name: str | None = UNSET
    last_name: str | None = UNSET
    email: str | None = UNSET
    phone: str | None = UNSET
    date_of_birth: date | None = UNSET
    gender: Gender | None = UNSET
    address: AddressInput | None = UNSET
    preferences: PreferencesInput | None = UNSET
    communication: CommunicationInput | None = UNSET
    status: CustomerStatus | None = UNSET
    tags: list[str] | None = UNSET
    notes: str | None = UNSET
    avatar: str | None = UNSET
    consent: ConsentProofInput | None = strawberry.field(default=UNSET, description="how the opt-ins in "
                                                         "communication were given (the consent ledger's proof)")


@strawberry.input
class OrderItemInput:
    sku: str
    name: str
    quantity: int
    unit_price: float
    size: str | None = UNSET
    color: str | None = UNSET


@strawberry.input
class OrderInput:
    id: str | None = strawberry.field(default=UNSET, description="the storefront's order id, makes retries safe")
    items: list[OrderItemInput]
    status: OrderStatus | None = UNSET
    placed_at: datetime | None = UNSET


@strawberry.input
class RecordOrdersRowInput:
    customer_id: strawberry.ID
    id: str | None = strawberry.field(default=UNSET, description="the storefront's order id, makes retries safe")
    items: list[OrderItemInput]
    status: OrderStatus | None = UNSET
    placed_at: datetime | None = UNSET
    currency: str | None = UNSET


@strawberry.input
class ReturnItemInput:
    sku: str
    quantity: int


@strawberry.input
class ReturnOrderItemsInput:
    items: list[ReturnItemInput]
    reason: str = strawberry.field(description='why they came back, e.g. "too small"')
    id: str | None = strawberry.field(default=UNSET, description="the return's id; the same id again applies once")


@strawberry.input
class InteractionInput:
    kind: InteractionKind
    description: str | None = UNSET
    occurred_at: datetime | None = UNSET
