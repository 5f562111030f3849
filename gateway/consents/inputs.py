"""recordConsent's input; field names match the customers service's POST /customers/{id}/consents."""
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import UNSET

from gateway.consents.types import ConsentChannel, ConsentPurpose


@strawberry.enum
class ConsentDecision(Enum):
    granted = "granted"
    revoked = "revoked"


@strawberry.input(description="How the opt-ins set in `communication` were given (createCustomer, updateCustomer). "
                              "Without it, staff's word: each changed flag is recorded with source admin.")
class ConsentProofInput:
    source: str = strawberry.field(description="signup_form, checkout, preference_center, customer_request, "
                                               "import or admin")
    wording: str | None = UNSET
    form: str | None = UNSET
    ip: str | None = UNSET
    user_agent: str | None = UNSET


@strawberry.input(description="One grant or revoke with its proof. A marketing one moves the channel's opt-in "
                              "(communication) when it is the latest decision.")
class ConsentInput:
    channel: ConsentChannel
    status: ConsentDecision
    source: str = strawberry.field(description="signup_form, checkout, preference_center, customer_request, "
                                               "import or admin (the other sources are recorded by the system "
                                               "only)")
    purpose: ConsentPurpose | None = strawberry.field(default=UNSET, description="default marketing")
    wording: str | None = UNSET
    form: str | None = UNSET
    ip: str | None = UNSET
    user_agent: str | None = UNSET
    occurred_at: datetime | None = strawberry.field(default=UNSET, description="when it was given (an import's "
                                                                               "date); default now")
