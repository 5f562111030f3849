"""Reusable campaign templates: a channel, a subject and content a campaign can start from."""
from pydantic import Field

from services.campaigns.domain.campaigns import Channel, InputModel


class TemplateCreate(InputModel):
    name: str = Field(min_length=1, max_length=200)
    type: Channel
    subject: str | None = Field(None, max_length=300)
    content: str = Field(min_length=1, max_length=100_000)
    html_content: str | None = Field(None, alias="htmlContent", min_length=1, max_length=500_000)
    description: str | None = Field(None, max_length=1000)


class TemplateUpdate(InputModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    type: Channel | None = None
    subject: str | None = Field(None, max_length=300)
    content: str | None = Field(None, min_length=1, max_length=100_000)
    html_content: str | None = Field(None, alias="htmlContent", min_length=1, max_length=500_000)
    description: str | None = Field(None, max_length=1000)
