"""Routes: /campaigns and their commands, metrics, recipients, preview and test send."""
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.campaigns.api.deps import DepsDep
from services.campaigns.api.models import CampaignPublic, MessagePublic
from services.campaigns.domain.campaigns import (
    CampaignCreate,
    CampaignUpdate,
    PreviewRequest,
    ScheduleRequest,
    TestSendRequest,
)
from services.campaigns.domain.messages import metrics
from services.campaigns.handlers import campaigns, preview, sending
from shared.api import Limit, Offset, Page

router = APIRouter(prefix="/campaigns", tags=["campaigns"])
StatusFilter = Literal["draft", "scheduled", "sending", "sent", "failed", "cancelled"]
MessageStatus = Literal["queued", "sending", "sent", "delivered", "bounced", "failed", "unknown", "skipped"]


@router.get("", response_model=Page[CampaignPublic])
async def list_campaigns(deps: DepsDep, status: Annotated[StatusFilter | None, Query()] = None,
                         type: Annotated[Literal["email", "sms"] | None, Query()] = None,
                         limit: Limit = 20, offset: Offset = 0):
    query = {k: v for k, v in {"status": status, "type": type}.items() if v}
    found, total = await deps.campaigns.page(query, limit, offset)
    return Page(items=[CampaignPublic.from_record(c) for c in found], total=total, limit=limit, offset=offset)


@router.post("", response_model=CampaignPublic, status_code=201)
async def create_campaign(body: CampaignCreate, deps: DepsDep):
    return CampaignPublic.from_record(await campaigns.create_campaign(deps, body))


@router.get("/{campaign_id}", response_model=CampaignPublic)
async def get_campaign(campaign_id: str, deps: DepsDep):
    return CampaignPublic.from_record(await campaigns.get_campaign(deps, campaign_id))


@router.put("/{campaign_id}", response_model=CampaignPublic)
async def update_campaign(campaign_id: str, body: CampaignUpdate, deps: DepsDep):
    return CampaignPublic.from_record(await campaigns.update_campaign(deps, campaign_id, body))


@router.delete("/{campaign_id}", status_code=204)
async def delete_campaign(campaign_id: str, deps: DepsDep):
    await campaigns.delete_campaign(deps, campaign_id)
    return Response(status_code=204)


@router.post("/{campaign_id}/send", response_model=CampaignPublic, status_code=202)
async def send_campaign(campaign_id: str, deps: DepsDep):
    """Starts sending now; the answer comes at once with status 'sending', the metrics show progress."""
    return CampaignPublic.from_record(await sending.send_campaign(deps, campaign_id))


@router.post("/{campaign_id}/schedule", response_model=CampaignPublic)
async def schedule_campaign(campaign_id: str, body: ScheduleRequest, deps: DepsDep):
    return CampaignPublic.from_record(await campaigns.schedule_campaign(deps, campaign_id, body.scheduled_date))


@router.post("/{campaign_id}/cancel", response_model=CampaignPublic)
async def cancel_campaign(campaign_id: str, deps: DepsDep):
    return CampaignPublic.from_record(await campaigns.cancel_campaign(deps, campaign_id))


@router.get("/{campaign_id}/metrics")
async def campaign_metrics(campaign_id: str, deps: DepsDep) -> dict:
    campaign = await campaigns.get_campaign(deps, campaign_id)
    return {"campaignId": campaign_id, "status": campaign.status, **metrics(campaign.counts)}


@router.get("/{campaign_id}/recipients", response_model=Page[MessagePublic])
async def campaign_recipients(campaign_id: str, deps: DepsDep, limit: Limit = 20, offset: Offset = 0,
                              status: Annotated[MessageStatus | None, Query()] = None):
    await campaigns.get_campaign(deps, campaign_id)
    records, total = await deps.messages.page_for_campaign(campaign_id, limit, offset, status)
    return Page(items=[MessagePublic.from_record(m) for m in records], total=total, limit=limit, offset=offset)


@router.post("/{campaign_id}/preview")
async def preview_campaign(campaign_id: str, deps: DepsDep, body: PreviewRequest | None = None) -> dict:
    campaign = await campaigns.get_campaign(deps, campaign_id)
    return await preview.preview(deps, campaign, body.customer_id if body else None)


@router.post("/{campaign_id}/test")
async def test_send(campaign_id: str, body: TestSendRequest, deps: DepsDep) -> dict:
    campaign = await campaigns.get_campaign(deps, campaign_id)
    return await preview.test_send(deps, campaign, body.to, body.customer_id)
