"""Response models: what the API shows, camelCase, with rates and SMS length where they apply."""
from datetime import datetime

from pydantic import Field

from services.campaigns.domain import rendering
from services.campaigns.domain.messages import metrics
from services.campaigns.domain.records import Campaign, Message, Template
from services.campaigns.domain.template_limits import RenderFailed
from shared.api import PublicModel


class SmsInfo(PublicModel):
    length: int
    segments: int
    encoding: str


class CampaignPublic(PublicModel):
    id: str
    name: str
    type: str
    subject: str | None = None
    content: str
    html_content: str | None = Field(None, alias="htmlContent")
    target_segment: str | None = Field(None, alias="targetSegment")
    target_customers: list[str] = Field(default_factory=list, alias="targetCustomers")
    template_id: str | None = Field(None, alias="templateId")
    scheduled_date: datetime | None = Field(None, alias="scheduledDate")
    sent_date: datetime | None = Field(None, alias="sentDate")
    started_at: datetime | None = Field(None, alias="startedAt")
    status: str
    open_rate: float = Field(alias="openRate")
    click_rate: float = Field(alias="clickRate")
    delivery_rate: float = Field(alias="deliveryRate")
    sms: SmsInfo | None = Field(None, description="length and segments of the SMS rendered for a sample customer")
    error: str | None = None
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")

    @classmethod
    def from_record(cls, campaign: Campaign) -> "CampaignPublic":
        figures = metrics(campaign.counts)
        return cls(id=campaign.id, name=campaign.name, type=campaign.type, subject=campaign.subject,
                   content=campaign.content, htmlContent=campaign.html_content,
                   targetSegment=campaign.target_segment, templateId=campaign.template_id,
                   scheduledDate=campaign.scheduled_date, sentDate=campaign.sent_date, startedAt=campaign.started_at,
                   status=campaign.status, error=campaign.error, createdAt=campaign.created_at,
                   updatedAt=campaign.updated_at, targetCustomers=list(campaign.target_customers or ()),
                   openRate=figures["openRate"], clickRate=figures["clickRate"],
                   deliveryRate=figures["deliveryRate"],
                   sms=_sample_sms({"type": campaign.type, "content": campaign.content}))


def _sample_sms(doc: dict) -> dict | None:
    """Length and segments for a sample customer; None when the content can't render (a template saved before the
    render limits existed that is over one now) rather than a 500 on every read of it."""
    if doc["type"] != "sms":
        return None
    try:
        return rendering.sms_info(rendering.render_field(doc["content"], "content", rendering.SAMPLE))
    except RenderFailed:
        return None


class TemplatePublic(PublicModel):
    id: str
    name: str
    type: str
    subject: str | None = None
    content: str
    html_content: str | None = Field(None, alias="htmlContent")
    description: str | None = None
    sms: SmsInfo | None = None
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")

    @classmethod
    def from_record(cls, template: Template) -> "TemplatePublic":
        return cls(id=template.id, name=template.name, type=template.type, subject=template.subject,
                   content=template.content, htmlContent=template.html_content, description=template.description,
                   sms=_sample_sms({"type": template.type, "content": template.content}),
                   createdAt=template.created_at, updatedAt=template.updated_at)


class MessagePublic(PublicModel):
    id: str
    campaign_id: str = Field(alias="campaignId")
    campaign_name: str | None = Field(None, alias="campaignName")
    customer_id: str = Field(alias="customerId")
    channel: str
    to: str | None = None
    status: str
    reason: str | None = None
    attempts: int = 0
    created_at: datetime = Field(alias="createdAt")
    sent_at: datetime | None = Field(None, alias="sentAt")
    delivered_at: datetime | None = Field(None, alias="deliveredAt")
    opened_at: datetime | None = Field(None, alias="openedAt")
    clicked_at: datetime | None = Field(None, alias="clickedAt")
    unsubscribed_at: datetime | None = Field(None, alias="unsubscribedAt")

    @classmethod
    def from_record(cls, message: Message) -> "MessagePublic":
        return cls(id=message.id, campaignId=message.campaign_id, campaignName=message.campaign_name,
                   customerId=message.customer_id, channel=message.channel, to=message.to, status=message.status,
                   reason=message.reason, attempts=message.attempts, createdAt=message.created_at,
                   sentAt=message.sent_at, deliveredAt=message.delivered_at, openedAt=message.opened_at,
                   clickedAt=message.clicked_at, unsubscribedAt=message.unsubscribed_at)
