"""Campaign commands: create, update, delete, schedule, cancel; sending starts in handlers.sending."""
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from services.campaigns.domain import campaigns as rules
from services.campaigns.domain.campaigns import CampaignCreate, CampaignUpdate
from services.campaigns.domain.records import Campaign
from services.campaigns.handlers.deps import Deps, utcnow
from services.campaigns.handlers.render_pool import off_loop
from shared.errors import Conflict, NotFound, ValidationFailed


async def get_campaign(deps: Deps, campaign_id: str) -> Campaign:
    campaign = await deps.campaigns.get(campaign_id)
    if campaign is None:
        raise NotFound(f"campaign {campaign_id} not found", field="id")
    return campaign


async def _from_template(deps: Deps, template_id: str) -> dict:
    template = await deps.templates.get(template_id)
    if template is None:
        raise NotFound(f"template {template_id} not found", field="templateId")
    return {"type": template.type, "subject": template.subject, "content": template.content,
            "htmlContent": template.html_content}


async def _checked(deps: Deps, campaign: Campaign, *, segment_changed: bool) -> Campaign:
    """The rules a stored campaign always meets; the segment must exist when it is named or changed."""
    fields = campaign.content_doc()
    await off_loop(deps.settings, rules.validate_content, fields)  # renders the sample customer, under the limits
    rules.validate_audience(fields)
    if segment_changed and campaign.target_segment:
        await deps.segments.check(campaign.target_segment)
    return campaign


async def create_campaign(deps: Deps, body: CampaignCreate) -> Campaign:
    now = utcnow()
    given = body.model_dump(by_alias=True, exclude_unset=True, exclude={"scheduled_date"})
    base = await _from_template(deps, body.template_id) if body.template_id else {}
    doc = {"_id": str(uuid.uuid4()), **base, **{k: v for k, v in given.items() if v is not None},
           "status": "draft", "scheduledDate": None, "sentDate": None, "createdAt": now, "updatedAt": now,
           "starts": 0}
    doc.setdefault("type", "email")
    if body.scheduled_date is not None:
        rules.require_future(body.scheduled_date, now)
        doc.update(status="scheduled", scheduledDate=body.scheduled_date)
    campaign = _record(doc)
    await _checked(deps, campaign, segment_changed=True)
    return await deps.campaigns.insert(campaign)


def _record(doc: dict) -> Campaign:
    """A campaign from the fields a command put together; the validation below names what is missing or wrong."""
    return Campaign.from_doc({"type": None, "content": None, "name": None, **doc})


async def update_campaign(deps: Deps, campaign_id: str, body: CampaignUpdate) -> Campaign:
    current = await get_campaign(deps, campaign_id)
    rules.require_status(current, rules.EDITABLE, "changed")
    given = body.model_dump(by_alias=True, exclude_unset=True)
    for required in ("name", "type", "content"):
        if required in given and given[required] is None:
            raise_null(required)
    if given.get("templateId"):
        given = {**await _from_template(deps, given["templateId"]), **given}
    merged = replace(_record({**current.to_doc(), **given}), updated_at=utcnow(), counts=current.counts)
    await _checked(deps, merged, segment_changed=merged.target_segment != current.target_segment)
    updated = await deps.campaigns.edit(merged)
    if updated is None:
        raise Conflict("the campaign changed meanwhile (it may have started sending); reload it", field="status")
    return updated


def raise_null(field: str):
    raise ValidationFailed(f"{field} cannot be null", field=field)


async def delete_campaign(deps: Deps, campaign_id: str) -> None:
    current = await get_campaign(deps, campaign_id)
    rules.require_status(current, rules.DELETABLE, "deleted")
    if not await deps.campaigns.delete_if(campaign_id, rules.DELETABLE):
        raise Conflict("the campaign changed meanwhile; reload it", field="status")


async def schedule_campaign(deps: Deps, campaign_id: str, when: datetime) -> Campaign:
    current = await get_campaign(deps, campaign_id)
    rules.require_status(current, rules.SCHEDULABLE, "scheduled")
    now = utcnow()
    rules.require_future(when, now)
    updated = await deps.campaigns.schedule(campaign_id, when, now)
    if updated is None:
        raise Conflict("the campaign started meanwhile; it can no longer be scheduled", field="status")
    return updated


async def cancel_campaign(deps: Deps, campaign_id: str) -> Campaign:
    current = await get_campaign(deps, campaign_id)
    rules.require_status(current, rules.CANCELLABLE, "cancelled")
    updated = await deps.campaigns.cancel(campaign_id, utcnow())
    if updated is None:
        raise Conflict("the campaign started meanwhile; it can no longer be cancelled", field="status")
    return updated


def lease(deps: Deps) -> datetime:
    return utcnow() + timedelta(seconds=deps.settings.fanout_lease_seconds)


def fanout_owner(deps: Deps) -> str:
    """One per fan-out run, not per process: a run that stalled past its lease and was resumed, even by its own
    process, finds the lease gone at its next chunk and stops instead of running beside the new one."""
    return f"{deps.owner}:{uuid.uuid4().hex[:12]}"
