"""Input types for campaign and template mutations; field names match the REST API."""
from datetime import datetime

import strawberry
from strawberry import UNSET

from gateway.campaigns.types import CampaignStatus, CampaignType


@strawberry.input
class CampaignCreateInput:
    name: str
    type: CampaignType | None = UNSET
    subject: str | None = UNSET
    content: str | None = UNSET
    html_content: str | None = UNSET
    target_segment: str | None = strawberry.field(default=UNSET, description="a segment id or slug")
    target_customers: list[strawberry.ID] | None = UNSET
    template_id: strawberry.ID | None = strawberry.field(default=UNSET, description="start from this template")
    scheduled_date: datetime | None = UNSET


@strawberry.input(description="Only the fields given change; null clears an optional field.")
class CampaignUpdateInput:
    name: str | None = UNSET
    type: CampaignType | None = UNSET
    subject: str | None = UNSET
    content: str | None = UNSET
    html_content: str | None = UNSET
    target_segment: str | None = UNSET
    target_customers: list[strawberry.ID] | None = UNSET
    template_id: strawberry.ID | None = UNSET


@strawberry.input
class CampaignFilter:
    status: CampaignStatus | None = UNSET
    type: CampaignType | None = UNSET


@strawberry.input
class TemplateCreateInput:
    name: str
    type: CampaignType
    content: str
    subject: str | None = UNSET
    html_content: str | None = UNSET
    description: str | None = UNSET


@strawberry.input
class TemplateUpdateInput:
    name: str | None = UNSET
    type: CampaignType | None = UNSET
    content: str | None = UNSET
    subject: str | None = UNSET
    html_content: str | None = UNSET
    description: str | None = UNSET
