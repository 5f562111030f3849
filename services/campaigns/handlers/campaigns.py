"""Campaign commands: create, update, delete, schedule, cancel; sending starts in handlers.sending."""
import uuid
from datetime import datetime, timedelta

from services.campaigns.domain import campaigns as rules
from services.campaigns.domain.campaigns import CampaignCreate, CampaignUpdate
from services.campaigns.handlers.deps import Deps, utcnow
from services.campaigns.handlers.render_pool import off_loop
from shared.errors import Conflict, NotFound, ValidationFailed


async def get_campaign(deps: Deps, campaign_id: str) -> dict:
    doc = await deps.campaigns.get(campaign_id)
    if doc is None:
        raise NotFound(f"campaign {campaign_id} not found", field="id")
    return doc


async def _from_template(deps: Deps, template_id: str) -> dict:
    template = await deps.templates.get(template_id)
    if template is None:
        raise NotFound(f"template {template_id} not found", field="templateId")
    return {"type": template.type, "subject": template.subject, "content": template.content,
            "htmlContent": template.html_content}


async def _checked(deps: Deps, doc: dict, *, segment_changed: bool) -> dict:
    """The rules a stored campaign always meets; the segment must exist when it is named or changed."""
    await off_loop(deps.settings, rules.validate_content, doc)  # renders the sample customer, under the limits
    rules.validate_audience(doc)
    if segment_changed and doc.get("targetSegment"):
        await deps.segments.check(doc["targetSegment"])
    return doc


async def create_campaign(deps: Deps, body: CampaignCreate) -> dict:
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
    await _checked(deps, doc, segment_changed=True)
    return await deps.campaigns.insert(doc)


async def update_campaign(deps: Deps, campaign_id: str, body: CampaignUpdate) -> dict:
    current = await get_campaign(deps, campaign_id)
    rules.require_status(current, rules.EDITABLE, "changed")
    given = body.model_dump(by_alias=True, exclude_unset=True)
    for required in ("name", "type", "content"):
        if required in given and given[required] is None:
            raise_null(required)
    if given.get("templateId"):
        given = {**await _from_template(deps, given["templateId"]), **given}
    merged = {**current, **given, "updatedAt": utcnow()}
    merged = {k: v for k, v in merged.items()
              if (v is not None or k in ("scheduledDate", "sentDate")) and k != "counts"}
    await _checked(deps, merged, segment_changed=merged.get("targetSegment") != current.get("targetSegment"))
    updated = await deps.campaigns.edit(campaign_id, merged, {k for k in current if k not in merged and k != "counts"})
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


async def schedule_campaign(deps: Deps, campaign_id: str, when: datetime) -> dict:
    current = await get_campaign(deps, campaign_id)
    rules.require_status(current, rules.SCHEDULABLE, "scheduled")
    now = utcnow()
    rules.require_future(when, now)
    updated = await deps.campaigns.schedule(campaign_id, when, now)
    if updated is None:
        raise Conflict("the campaign started meanwhile; it can no longer be scheduled", field="status")
    return updated


async def cancel_campaign(deps: Deps, campaign_id: str) -> dict:
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
