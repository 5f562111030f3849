"""Consent ledger records as the graph shows them, from the customers service's JSON."""
from datetime import datetime
from enum import Enum

import strawberry

from gateway.audit.types import Actor


@strawberry.enum
class ConsentChannel(Enum):
    email = "email"
    sms = "sms"
    push = "push"


@strawberry.enum
class ConsentPurpose(Enum):
    marketing = "marketing"
    transactional = "transactional"


@strawberry.enum(description="pending: an email signup waiting for its double opt-in confirmation; it grants "
                             "nothing yet")
class ConsentStatus(Enum):
    granted = "granted"
    revoked = "revoked"
    pending = "pending"


@strawberry.type(description="One entry of a customer's consent ledger: append-only proof of who agreed to (or "
                             "refused) what, how and when.")
class Consent:
    id: strawberry.ID
    channel: ConsentChannel
    purpose: ConsentPurpose
    status: ConsentStatus
    source: str = strawberry.field(description="signup_form, checkout, preference_center, customer_request, "
                                               "import, admin, unsubscribe_link, sms_stop, provider_complaint, "
                                               "double_opt_in")
    occurred_at: datetime = strawberry.field(description="when it was given; the latest decides the opt-in")
    recorded_at: datetime
    wording: str | None = strawberry.field(description="the text the person agreed to")
    form: str | None = strawberry.field(description="which form or page")
    ip: str | None = strawberry.field(description="removed when the customer is erased")
    user_agent: str | None = strawberry.field(description="removed when the customer is erased")
    actor: Actor | None = strawberry.field(description="the staff member or API key; null: the customer or the "
                                                       "system")
    campaign_id: strawberry.ID | None = strawberry.field(description="the campaign an unsubscribe came from")
    confirms: strawberry.ID | None = strawberry.field(description="a double opt-in grant: the pending record it "
                                                                  "confirms")

    @classmethod
    def from_json(cls, data: dict) -> "Consent":
        return cls(id=data["id"], channel=ConsentChannel(data["channel"]), purpose=ConsentPurpose(data["purpose"]),
                   status=ConsentStatus(data["status"]), source=data["source"],
                   occurred_at=datetime.fromisoformat(data["occurredAt"]),
                   recorded_at=datetime.fromisoformat(data["recordedAt"]), wording=data.get("wording"),
                   form=data.get("form"), ip=data.get("ip"), user_agent=data.get("userAgent"),
                   actor=Actor.from_json(data.get("actor")), campaign_id=data.get("campaignId"),
                   confirms=data.get("confirms"))
