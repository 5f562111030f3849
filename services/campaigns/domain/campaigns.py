"""Campaigns: what can be written, the statuses and the moves between them."""
from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from services.campaigns.domain import rendering
from services.campaigns.domain.records import Campaign
from shared.api import InputModel
from shared.errors import Conflict, ValidationFailed
from shared.timestamps import Timestamp

Channel = Literal["email", "sms"]
Status = Literal["draft", "scheduled", "sending", "sent", "failed", "cancelled"]
MAX_EXPLICIT = 1000

# Which command may start from which status; anything else is a CONFLICT naming the status.
EDITABLE = {"draft", "scheduled"}
SENDABLE = {"draft", "scheduled"}
SCHEDULABLE = {"draft", "scheduled"}
CANCELLABLE = {"draft", "scheduled"}
DELETABLE = {"draft", "cancelled", "sent", "failed"}


Ids = list[str]


def _unique_ids(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    ids = list(dict.fromkeys(v.strip() for v in value if v and v.strip()))
    if len(ids) > MAX_EXPLICIT:
        raise ValueError(f"at most {MAX_EXPLICIT} explicit customers; use a segment for more")
    return ids


class CampaignFields(InputModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    type: Channel | None = None
    subject: str | None = Field(None, max_length=300)
    content: str | None = Field(None, min_length=1, max_length=100_000,
                                description="text body (email) or message (SMS); Jinja2 over customer fields")
    html_content: str | None = Field(None, alias="htmlContent", min_length=1, max_length=500_000)
    target_segment: str | None = Field(None, alias="targetSegment", min_length=1, max_length=100)
    target_customers: list[str] | None = Field(None, alias="targetCustomers")
    template_id: str | None = Field(None, alias="templateId")

    _ids = field_validator("target_customers")(_unique_ids)


class CampaignCreate(CampaignFields):
    name: str = Field(min_length=1, max_length=200)
    scheduled_date: Timestamp | None = Field(None, alias="scheduledDate")


class CampaignUpdate(CampaignFields):
    """Only the fields sent change; null clears subject, htmlContent, targetSegment or targetCustomers."""


class ScheduleRequest(InputModel):
    scheduled_date: Timestamp = Field(alias="scheduledDate")


class TestSendRequest(InputModel):
    to: str = Field(min_length=3, max_length=320, description="an email address or an E.164 number")
    customer_id: str | None = Field(None, alias="customerId", description="render with this customer's fields")


class PreviewRequest(InputModel):
    customer_id: str | None = Field(None, alias="customerId")


def validate_content(doc: dict) -> None:
    """The whole campaign (or template) as it would be stored: channel rules and template syntax."""
    channel = doc.get("type")
    if not doc.get("content"):
        raise ValidationFailed("content must not be empty", field="content")
    if channel == "sms":
        if doc.get("subject"):
            raise ValidationFailed("an SMS campaign has no subject", field="subject")
        if doc.get("htmlContent"):
            raise ValidationFailed("an SMS campaign has no HTML content", field="htmlContent")
    elif channel == "email" and not doc.get("subject"):
        raise ValidationFailed("an email campaign needs a subject", field="subject")
    if doc.get("subject"):
        rendering.check(doc["subject"], "subject")
    rendering.check(doc["content"], "content")
    if doc.get("htmlContent"):
        rendering.check(doc["htmlContent"], "htmlContent", is_html=True)


def validate_audience(doc: dict) -> None:
    if not doc.get("targetSegment") and not doc.get("targetCustomers"):
        raise ValidationFailed("a campaign needs a targetSegment, targetCustomers or both", field="targetSegment")


def require_status(campaign: Campaign, allowed: set[str], action: str) -> None:
    if campaign.status not in allowed:
        raise Conflict(f"a {campaign.status} campaign cannot be {action}", field="status")


def require_future(when: datetime, now: datetime) -> None:
    if when.tzinfo is None:
        raise ValidationFailed("scheduledDate needs a time zone, e.g. 2026-01-31T09:00:00Z", field="scheduledDate")
    if when <= now:
        raise ValidationFailed("scheduledDate must be in the future", field="scheduledDate")
