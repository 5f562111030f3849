"""The consent ledger: who agreed to (or refused) what, on which channel, how, when and on whose word.

Records are appended, never changed: the ledger is the proof. The profile's `communication` flags are what the
ledger says today (the latest marketing decision per channel), kept beside the profile so segments, campaigns'
read model and the API keep reading them as before.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from ipaddress import ip_address
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from shared.api import InputModel
from shared.timestamps import AwareTimestamp

Channel = Literal["email", "sms", "push"]
Purpose = Literal["marketing", "transactional"]
# pending: an email grant from a signup form waiting for its double opt-in confirmation; it grants nothing yet.
Status = Literal["granted", "revoked", "pending"]
CHANNELS: tuple[str, ...] = ("email", "sms", "push")

# Sources a caller of the API may name (staff in the dashboard, a storefront form, an import).
ApiSource = Literal["signup_form", "checkout", "preference_center", "customer_request", "import", "admin"]
# Sources only the system records, each from the event that proves it: a caller can't claim a confirmation click
# or a STOP it didn't receive.
SYSTEM_SOURCES = ("unsubscribe_link", "sms_stop", "provider_complaint", "double_opt_in")
Source = Literal["signup_form", "checkout", "preference_center", "customer_request", "import", "admin",
                 "unsubscribe_link", "sms_stop", "provider_complaint", "double_opt_in"]

# What campaigns' customer.unsubscribed says (its `source`) -> the ledger's source.
UNSUBSCRIBE_SOURCES = {"link": "unsubscribe_link", "complaint": "provider_complaint", "sms_stop": "sms_stop"}


def _ip(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(ip_address(value))
    except ValueError as exc:
        raise ValueError("ip must be an IPv4 or IPv6 address") from exc


Ip = Annotated[str, Field(max_length=64), AfterValidator(_ip)]


class ConsentProof(InputModel):
    """How a consent was given, as a storefront or staff member reports it (no channel: it goes with the
    `communication` flags of a customer create or update)."""

    source: ApiSource
    wording: str | None = Field(None, max_length=2000, description="the text the person agreed to")
    form: str | None = Field(None, max_length=200, description="which form or page, e.g. footer-newsletter-v3")
    ip: Ip | None = None
    user_agent: str | None = Field(None, alias="userAgent", max_length=500)


class ConsentCreate(ConsentProof):
    """POST /customers/{id}/consents: one grant or revoke."""

    channel: Channel
    purpose: Purpose = "marketing"
    status: Literal["granted", "revoked"]
    occurred_at: AwareTimestamp | None = Field(None, alias="occurredAt",
                                               description="when it was given (an import's date); defaults to now")

    @field_validator("occurred_at")
    @classmethod
    def _not_in_the_future(cls, value: datetime | None) -> datetime | None:
        # A consent is proof of something that happened; one dated ahead would outrank every later decision.
        if value is not None and value > datetime.now(timezone.utc) + timedelta(minutes=5):
            raise ValueError("occurredAt must not be in the future")
        return value


@dataclass(frozen=True)
class ConsentRecord:
    """One ledger entry as stored."""

    id: str
    customer_id: str
    channel: str
    purpose: str
    status: str
    source: str
    occurred_at: datetime  # when it was given: what "latest" means for the flags
    recorded_at: datetime  # when the ledger learnt it
    wording: str | None = None
    form: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    actor: dict | None = None
    campaign_id: str | None = None
    confirms: str | None = None  # a double opt-in grant: the pending record it confirms

    @classmethod
    def from_doc(cls, doc: dict) -> "ConsentRecord":
        return cls(id=doc["_id"], customer_id=doc["customerId"], channel=doc["channel"], purpose=doc["purpose"],
                   status=doc["status"], source=doc["source"], occurred_at=doc["occurredAt"],
                   recorded_at=doc["recordedAt"], wording=doc.get("wording"), form=doc.get("form"),
                   ip=doc.get("ip"), user_agent=doc.get("userAgent"), actor=doc.get("actor"),
                   campaign_id=doc.get("campaignId"), confirms=doc.get("confirms"))

    def to_json(self) -> dict:
        """The API's shape (camelCase, ISO times)."""
        return {"id": self.id, "customerId": self.customer_id, "channel": self.channel, "purpose": self.purpose,
                "status": self.status, "source": self.source, "occurredAt": self.occurred_at,
                "recordedAt": self.recorded_at, "wording": self.wording, "form": self.form, "ip": self.ip,
                "userAgent": self.user_agent, "actor": self.actor, "campaignId": self.campaign_id,
                "confirms": self.confirms}


def new_record(record_id: str, customer_id: str, *, channel: str, purpose: str, status: str, source: str,
               occurred_at: datetime, recorded_at: datetime, proof: ConsentProof | None = None,
               actor: dict | None = None, campaign_id: str | None = None, confirms: str | None = None,
               wording: str | None = None, form: str | None = None, ip: str | None = None,
               user_agent: str | None = None) -> dict:
    """The stored document of one entry; absent facts are left out rather than stored as null."""
    doc = {"_id": record_id, "customerId": customer_id, "channel": channel, "purpose": purpose, "status": status,
           "source": source, "occurredAt": occurred_at, "recordedAt": recorded_at,
           "wording": proof.wording if proof else wording, "form": proof.form if proof else form,
           "ip": proof.ip if proof else ip, "userAgent": proof.user_agent if proof else user_agent,
           "actor": actor, "campaignId": campaign_id, "confirms": confirms}
    return {key: value for key, value in doc.items() if value is not None}


def needs_confirmation(channel: str, purpose: str, status: str, source: str, double_opt_in: bool) -> bool:
    """Double opt-in (a setting) holds an email marketing grant from a signup form until the link is clicked.
    Staff, imports and the other sources record what they already know, unconfirmed by mail."""
    return double_opt_in and (channel, purpose, status, source) == ("email", "marketing", "granted", "signup_form")


def decides_flag(purpose: str, status: str) -> bool:
    """Only marketing grants and revokes move the opt-in flags; transactional records and pending ones don't."""
    return purpose == "marketing" and status in ("granted", "revoked")


def derived_flags(records: list[ConsentRecord]) -> dict[str, bool]:
    """The opt-in flags the ledger gives: per channel, its latest marketing grant or revoke (by when it was given,
    then when it was recorded); no decision at all is out (opted out by default)."""
    latest: dict[str, ConsentRecord] = {}
    for record in records:
        if not decides_flag(record.purpose, record.status):
            continue
        current = latest.get(record.channel)
        if current is None or (record.occurred_at, record.recorded_at) >= (current.occurred_at, current.recorded_at):
            latest[record.channel] = record
    return {channel: (latest[channel].status == "granted") if channel in latest else False for channel in CHANNELS}
