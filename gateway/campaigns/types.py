"""Campaign, CampaignMetrics, CampaignTemplate and Message as the graph shows them."""
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from gateway.pagination import Connection, page_window


@strawberry.enum
class CampaignType(Enum):
    email = "email"
    sms = "sms"


@strawberry.enum
class CampaignStatus(Enum):
    draft = "draft"
    scheduled = "scheduled"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    cancelled = "cancelled"


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.type
class SmsInfo:
    length: int
    segments: int
    encoding: str


@strawberry.type
class CampaignMetrics:
    targeted: int
    skipped: int
    queued: int
    pending: int
    sent: int
    delivered: int
    bounced: int
    failed: int
    unknown: int
    opened: int
    clicked: int
    unsubscribed: int
    delivery_rate: float
    open_rate: float
    click_rate: float
    bounce_rate: float
    unsubscribe_rate: float
    skip_rate: float

    @classmethod
    def from_json(cls, data: dict) -> "CampaignMetrics":
        names = [f for f in cls.__annotations__]
        camel = {n: "".join(p.capitalize() if i else p for i, p in enumerate(n.split("_"))) for n in names}
        return cls(**{n: data[camel[n]] for n in names})


@strawberry.type
class Message:
    id: strawberry.ID
    campaign_id: strawberry.ID
    campaign_name: str | None
    customer_id: strawberry.ID
    channel: CampaignType
    to: str | None
    status: str
    reason: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    opened_at: datetime | None
    clicked_at: datetime | None

    @classmethod
    def from_json(cls, d: dict) -> "Message":
        return cls(id=d["id"], campaign_id=d["campaignId"], campaign_name=d.get("campaignName"),
                   customer_id=d["customerId"], channel=CampaignType(d["channel"]), to=d.get("to"),
                   status=d["status"], reason=d.get("reason"), attempts=d.get("attempts", 0),
                   created_at=datetime.fromisoformat(d["createdAt"]), sent_at=_dt(d.get("sentAt")),
                   delivered_at=_dt(d.get("deliveredAt")), opened_at=_dt(d.get("openedAt")),
                   clicked_at=_dt(d.get("clickedAt")))


@strawberry.type
class Campaign:
    id: strawberry.ID
    name: str
    type: CampaignType
    subject: str | None
    content: str
    html_content: str | None
    target_segment: str | None
    target_customers: list[strawberry.ID]
    template_id: strawberry.ID | None
    scheduled_date: datetime | None
    sent_date: datetime | None
    status: CampaignStatus
    open_rate: float
    click_rate: float
    delivery_rate: float
    sms: SmsInfo | None
    error: str | None
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="Counts and rates: delivery, open, click, bounce, unsubscribe, skipped.")
    async def metrics(self, info: Info) -> CampaignMetrics:
        return await info.context.clients.campaigns.metrics(self.id)

    @strawberry.field(description="One record per targeted customer, in the order they were targeted.")
    async def recipients(self, info: Info, first: int = 20, after: str | None = None) -> Connection[Message]:
        limit, offset = page_window(first, after)
        page = await info.context.clients.campaigns.recipients(self.id, limit, offset)
        return Connection.from_page(page.items, offset=offset, total=page.total)

    @classmethod
    def from_json(cls, d: dict) -> "Campaign":
        return cls(id=d["id"], name=d["name"], type=CampaignType(d["type"]), subject=d.get("subject"),
                   content=d["content"], html_content=d.get("htmlContent"), target_segment=d.get("targetSegment"),
                   target_customers=d.get("targetCustomers") or [], template_id=d.get("templateId"),
                   scheduled_date=_dt(d.get("scheduledDate")), sent_date=_dt(d.get("sentDate")),
                   status=CampaignStatus(d["status"]), open_rate=d["openRate"], click_rate=d["clickRate"],
                   delivery_rate=d["deliveryRate"], sms=SmsInfo(**d["sms"]) if d.get("sms") else None,
                   error=d.get("error"), created_at=datetime.fromisoformat(d["createdAt"]),
                   updated_at=datetime.fromisoformat(d["updatedAt"]))


@strawberry.type
class CampaignTemplate:
    id: strawberry.ID
    name: str
    type: CampaignType
    subject: str | None
    content: str
    html_content: str | None
    description: str | None
    sms: SmsInfo | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_json(cls, d: dict) -> "CampaignTemplate":
        return cls(id=d["id"], name=d["name"], type=CampaignType(d["type"]), subject=d.get("subject"),
                   content=d["content"], html_content=d.get("htmlContent"), description=d.get("description"),
                   sms=SmsInfo(**d["sms"]) if d.get("sms") else None,
                   created_at=datetime.fromisoformat(d["createdAt"]), updated_at=datetime.fromisoformat(d["updatedAt"]))
