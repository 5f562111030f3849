"""Campaign events (owned by the campaigns service)."""
from typing import Literal

from pydantic import Field

from shared.events.envelope import Event

Channel = Literal["email", "sms"]


class CustomerUnsubscribed(Event):
    """A recipient unsubscribed from a channel (link, List-Unsubscribe or SMS STOP); customers turns the opt-in off."""

    TYPE = "customer.unsubscribed"
    customer_id: str = Field(alias="customerId")
    channel: Channel
    campaign_id: str | None = Field(None, alias="campaignId")
    source: str = "link"


class CampaignMessageEvent(Event):
    """Shared shape of campaign.message.*: one message of a campaign to one customer."""

    message_id: str = Field(alias="messageId")
    campaign_id: str = Field(alias="campaignId")
    campaign_name: str = Field(alias="campaignName")
    customer_id: str = Field(alias="customerId")
    channel: Channel
    url: str | None = None
    reason: str | None = None


class CampaignMessageSent(CampaignMessageEvent):
    TYPE = "campaign.message.sent"


class CampaignMessageDelivered(CampaignMessageEvent):
    TYPE = "campaign.message.delivered"


class CampaignMessageFailed(CampaignMessageEvent):
    TYPE = "campaign.message.failed"


class CampaignMessageOpened(CampaignMessageEvent):
    TYPE = "campaign.message.opened"


class CampaignMessageClicked(CampaignMessageEvent):
    TYPE = "campaign.message.clicked"
