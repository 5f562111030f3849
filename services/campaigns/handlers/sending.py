"""Starting a send and the fan-out: one message record and one work item per recipient, resumable after a crash."""
import logging
import uuid
from collections.abc import AsyncIterator

from pymongo.asynchronous.client_session import AsyncClientSession

from services.campaigns.domain import campaigns as rules
from services.campaigns.domain.messages import message_id, skip_reason
from services.campaigns.domain.records import Campaign
from services.campaigns.handlers.campaigns import fanout_owner, get_campaign, lease
from services.campaigns.handlers.deps import Deps, utcnow
from services.campaigns.handlers.recipients import recipients_for
from services.campaigns.store.counters import FANOUT_SHARD
from shared.bus.publisher import PublishFailed
from shared.errors import AppError, Conflict, Unavailable

log = logging.getLogger(__name__)


async def send_campaign(deps: Deps, campaign_id: str) -> Campaign:
    """Checks everything first (nothing changes on bad input), then claims the campaign and fans out behind."""
    current = await get_campaign(deps, campaign_id)
    rules.require_status(current, rules.SENDABLE, "sent")
    if current.target_segment:
        await deps.segments.check(current.target_segment)
    now = utcnow()
    claimed = await deps.campaigns.start_sending(campaign_id, now, fanout_owner(deps), lease(deps))
    if claimed is None:
        raise Conflict("the campaign was started or cancelled meanwhile", field="status")
    start_fan_out(deps, claimed)
    return claimed


def start_fan_out(deps: Deps, campaign: Campaign) -> None:
    deps.background.spawn(fan_out(deps, campaign), name=f"fan-out {campaign.id}")


async def _audience(deps: Deps, campaign: Campaign) -> AsyncIterator[list[str]]:
    """Explicit ids first, then the segment's members as they are now (resolved at send time)."""
    chunk = deps.settings.fanout_chunk
    explicit = campaign.target_customers or ()
    for start in range(0, len(explicit), chunk):
        yield list(explicit[start:start + chunk])
    if campaign.target_segment:
        buffer: list[str] = []
        async for ids in deps.segments.pages(campaign.target_segment):
            buffer.extend(ids)
            while len(buffer) >= chunk:
                yield buffer[:chunk]
                buffer = buffer[chunk:]
        if buffer:
            yield buffer


async def fan_out(deps: Deps, campaign: Campaign) -> None:
    campaign_id = campaign.id
    try:
        if not await _record_audience(deps, campaign):
            log.warning("fan-out taken over by another process", extra={"campaignId": campaign_id})
            return
        # What a stopped fan-out (or this one, while the broker was away) recorded but never handed over.
        for batch in await deps.fanouts.unpublished(campaign_id):
            await _publish(deps, campaign_id, batch["_id"], batch["messageIds"])
    except (Unavailable, PublishFailed, ConnectionError, OSError):
        log.warning("fan-out interrupted; it resumes when its lease runs out", exc_info=True,
                    extra={"campaignId": campaign_id})
        return
    await deps.campaigns.finish_fan_out(campaign_id)
    await deps.campaigns.finish_if_complete(campaign_id, utcnow())


async def _record_audience(deps: Deps, campaign: Campaign) -> bool:
    """Every chunk of the audience recorded and handed over; False when another process took the fan-out."""
    try:
        async for customer_ids in _audience(deps, campaign):
            if not await deps.campaigns.renew_lease(campaign.id, _fanout_owner(campaign), lease(deps)):
                return False
            await _fan_out_chunk(deps, campaign, customer_ids)
    except Unavailable:
        raise
    except AppError as exc:
        # The audience can't be resolved any more (segment deleted): nothing more can go out.
        await deps.campaigns.record_error(campaign.id, exc.message)
    return True


def _fanout_owner(campaign: Campaign) -> str | None:
    """The run the claim leased the fan-out to (a claimed campaign always has one)."""
    return campaign.fanout.owner if campaign.fanout else None


async def _fan_out_chunk(deps: Deps, campaign: Campaign, customer_ids: list[str]) -> None:
    """One transaction records the chunk's messages, counters and its batch; then the work items go out."""
    ids = list(dict.fromkeys(customer_ids))
    keys = {cid: message_id(campaign.id, cid) for cid in ids}
    existing = await deps.messages.existing_ids(list(keys.values()))
    new_ids = [cid for cid in ids if keys[cid] not in existing]
    if not new_ids:
        return  # recorded by an earlier run; its batch record says whether it reached the broker
    # Who is chosen is decided here (and checked again at the claim): unknown, suspended, unsubscribed, opted out
    # or without an address is a `skipped` message with its reason, counted in `targeted` and `skipped`.
    recipients = await _mark_suppressed(deps, campaign.type, await recipients_for(deps, new_ids))
    now = utcnow()
    docs = [_message_doc(campaign, cid, keys[cid], recipients.get(cid), now) for cid in new_ids]
    queued = [d["_id"] for d in docs if d["status"] == "queued"]
    batch_id = uuid.uuid4().hex

    async def work(session: AsyncClientSession) -> None:
        await deps.messages.insert(docs, session)
        await deps.campaigns.add_counts(campaign.id, {"targeted": len(docs), "skipped": len(docs) - len(queued),
                                                      "queued": len(queued)}, session, shard=FANOUT_SHARD)
        if queued:
            await deps.fanouts.record(batch_id, campaign.id, queued, session)

    await deps.runtime.transaction(work)
    if queued:
        await _publish(deps, campaign.id, batch_id, queued)


async def _publish(deps: Deps, campaign_id: str, batch_id: str, message_ids: list[str]) -> None:
    """Work items with confirms, then the batch record goes. The messages themselves are not written again:
    workers own them from the moment their work items are out. A batch published twice only repeats items;
    the claim (queued -> sending) lets one of them through and the rest find the message taken."""
    await deps.work.publish([{"messageId": mid, "campaignId": campaign_id} for mid in message_ids])
    await deps.fanouts.published(batch_id)


async def _mark_suppressed(deps: Deps, channel: str, recipients: dict[str, dict]) -> dict[str, dict]:
    """Recipients whose address for this channel is on the suppression list (an erased person's) are marked."""
    field = "email" if channel == "email" else "phone"
    hits = await deps.suppressions.suppressed_addresses([(channel, r.get(field)) for r in recipients.values()])
    return {cid: {**r, "suppressed": True} if (channel, r.get(field)) in hits else r for cid, r in recipients.items()}


def _message_doc(campaign: Campaign, customer_id: str, key: str, recipient: dict | None, now) -> dict:
    channel = campaign.type
    reason = skip_reason(recipient, channel)
    to = None if recipient is None else recipient.get("email" if channel == "email" else "phone")
    return {"_id": key, "campaignId": campaign.id, "campaignName": campaign.name, "customerId": customer_id,
            "channel": channel, "to": to, "status": "skipped" if reason else "queued", "reason": reason,
            "attempts": 0, "createdAt": now, "openedAt": None, "clickedAt": None,
            "unsubscribedAt": None}
