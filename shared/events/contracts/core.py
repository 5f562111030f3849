"""Customer, order and loyalty events."""
from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.events.envelope import Event

Tier = Literal["bronze", "silver", "gold", "platinum"]


class CustomerContact(Event):
    """Shared shape of customer.created and customer.updated: what other services may keep as a read model."""

    customer_id: str = Field(alias="customerId")
    first_name: str = Field(alias="firstName")
    last_name: str = Field(alias="lastName")
    email: str
    phone: str | None = None
    status: str
    email_opt_in: bool = Field(alias="emailOptIn")
    sms_opt_in: bool = Field(alias="smsOptIn")
    push_opt_in: bool = Field(alias="pushOptIn")
    changed_fields: list[str] = Field(default_factory=list, alias="changedFields")


class CustomerCreated(CustomerContact):
    TYPE = "customer.created"


class CustomerUpdated(CustomerContact):
    TYPE = "customer.updated"


class CustomerDeleted(Event):
    TYPE = "customer.deleted"
    customer_id: str = Field(alias="customerId")


class CustomerInteractionRecorded(Event):
    """A login or other interaction reported by a storefront or app."""

    TYPE = "customer.interaction.recorded"
    customer_id: str = Field(alias="customerId")
    kind: str
    description: str | None = None
    occurred_at: datetime | None = Field(None, alias="occurredAt")


class CustomerActivityRecorded(Event):
    """A timeline entry was added (any kind: order, points, profile, interaction...); feeds live activity views."""

    TYPE = "customer.activity.recorded"
    activity_id: str = Field(alias="activityId")
    customer_id: str = Field(alias="customerId")
    kind: str
    summary: str
    occurred_at: datetime = Field(alias="occurredAt")
    data: dict = Field(default_factory=dict)


class OrderItemData(Event):
    sku: str
    name: str
    quantity: int
    unit_price_minor: int = Field(alias="unitPriceMinor")
    size: str | None = None
    color: str | None = None


class OrderPlaced(Event):
    """A storefront's order, published to the customers service (which records it: then order.recorded and, when
    paid, order.paid follow). The customers service itself never publishes it (docs/purchase-path.md)."""

    TYPE = "order.placed"
    order_id: str = Field(alias="orderId")
    customer_id: str = Field(alias="customerId")
    items: list[OrderItemData]
    total_minor: int = Field(alias="totalMinor")
    currency: str
    status: str = "paid"
    placed_at: datetime = Field(alias="placedAt")


class OrderRecorded(Event):
    """The customers service recorded an order (from its API, a bulk import or a storefront's order.placed), in any
    status. Informational: nothing is earned from it; loyalty earns from order.paid."""

    TYPE = "order.recorded"
    order_id: str = Field(alias="orderId")
    customer_id: str = Field(alias="customerId")
    items: list[OrderItemData]
    total_minor: int = Field(alias="totalMinor")
    currency: str
    status: str
    placed_at: datetime = Field(alias="placedAt")
    source: str = "api"  # api | bulk | the storefront's envelope source


class OrderPaid(Event):
    """An order became paid: recorded as paid, shipped or delivered, or moved there from pending. Published once
    per order. Points are earned on this event only (points follow payment)."""

    TYPE = "order.paid"
    order_id: str = Field(alias="orderId")
    customer_id: str = Field(alias="customerId")
    items: list[OrderItemData]
    total_minor: int = Field(alias="totalMinor")  # what was paid: the order's total at payment
    currency: str
    placed_at: datetime = Field(alias="placedAt")
    paid_at: datetime = Field(alias="paidAt")


class ReturnedItemData(Event):
    sku: str
    quantity: int
    amount_minor: int = Field(alias="amountMinor")  # quantity x the item's unit price


class OrderItemsReturned(Event):
    """Some items of an order were returned or refunded (a fashion order is often partly sent back). The order, the
    customer's totals and the points earned for exactly these items are adjusted; the rest of the order stands."""

    TYPE = "order.items.returned"
    return_id: str = Field(alias="returnId")  # one return; the same id is applied once
    order_id: str = Field(alias="orderId")
    customer_id: str = Field(alias="customerId")
    items: list[ReturnedItemData]
    amount_minor: int = Field(alias="amountMinor")  # the sum of the items' amounts
    order_total_minor: int = Field(alias="orderTotalMinor")  # the order's full total, before any return
    reason: str  # e.g. "too small", "changed mind"
    returned_at: datetime = Field(alias="returnedAt")


class OrderRefunded(Event):
    """A whole order was refunded or cancelled: what it earned is taken back (what earlier item returns took
    back is not taken twice)."""

    TYPE = "order.refunded"
    order_id: str = Field(alias="orderId")
    customer_id: str = Field(alias="customerId")
    total_minor: int = Field(alias="totalMinor")
    refunded_at: datetime = Field(alias="refundedAt")
    reason: Literal["refunded", "cancelled"] = "refunded"


class OrderStatusChanged(Event):
    TYPE = "order.status.changed"
    order_id: str = Field(alias="orderId")
    customer_id: str = Field(alias="customerId")
    previous_status: str = Field(alias="previousStatus")
    status: str


class LoyaltyPointsChanged(Event):
    TYPE = "loyalty.points.changed"
    customer_id: str = Field(alias="customerId")
    delta: int
    balance: int
    lifetime_points: int = Field(alias="lifetimePoints")
    reason: str
    entry_id: str = Field(alias="entryId")
    # Grows with every change of the account: events may arrive out of order, keep the highest version seen.
    account_version: int | None = Field(None, alias="accountVersion")


class LoyaltyTierChanged(Event):
    TYPE = "loyalty.tier.changed"
    customer_id: str = Field(alias="customerId")
    previous_tier: Tier | None = Field(None, alias="previousTier")
    tier: Tier
    account_version: int | None = Field(None, alias="accountVersion")


class LoyaltyRewardRedeemed(Event):
    TYPE = "loyalty.reward.redeemed"
    customer_id: str = Field(alias="customerId")
    reward_id: str = Field(alias="rewardId")
    reward_name: str = Field(alias="rewardName")
    points: int
    code: str


class CustomerErased(Event):
    """A customer's personal data was erased (right to erasure). Every service overwrites what it keeps about the
    person; orders, ledgers and counters stay under the customer id, now a pseudonym. The hashes (SHA-256 hex of
    the lower-cased email and of the E.164 phone) are what a service keeps on its suppression list."""

    TYPE = "customer.erased"
    customer_id: str = Field(alias="customerId")
    reason: str
    erased_at: datetime = Field(alias="erasedAt")
    email_hash: str | None = Field(None, alias="emailHash")
    phone_hash: str | None = Field(None, alias="phoneHash")


class CustomerMerged(Event):
    """Two profiles of one person became one: everything of mergedId now belongs to keptId (docs/data-rights.md,
    "Merging duplicates"). mergedId answers from now on as a tombstone naming keptId."""

    TYPE = "customer.merged"
    kept_id: str = Field(alias="keptId")
    merged_id: str = Field(alias="mergedId")


class CustomerConsentConfirmationRequested(Event):
    """Double opt-in (H1, docs/data-rights.md "Consent with proof"): customers recorded a pending email marketing
    consent; campaigns mails the person a confirmation link (a transactional mail, sent whatever the opt-ins)."""

    TYPE = "customer.consent.confirmation.requested"
    customer_id: str = Field(alias="customerId")
    consent_id: str = Field(alias="consentId")  # the pending ledger record the link confirms
    email: str
    first_name: str | None = Field(None, alias="firstName")
    wording: str | None = None


class CustomerConsentConfirmed(Event):
    """Campaigns: the person clicked the confirmation link of a pending consent; customers appends the grant
    (source double_opt_in) with the click's IP and user agent as its proof."""

    TYPE = "customer.consent.confirmed"
    customer_id: str = Field(alias="customerId")
    consent_id: str = Field(alias="consentId")
    confirmed_at: datetime = Field(alias="confirmedAt")
    ip: str | None = None
    user_agent: str | None = Field(None, alias="userAgent")
