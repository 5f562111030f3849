"""The campaign tick, a job of the shared scheduler: starts due scheduled campaigns, resumes stalled fan-outs,
settles interrupted sends.

Every step claims its work atomically in MongoDB, so any number of replicas can run it at once.
"""
import logging
from datetime import datetime, timedelta

from pymongo.asynchronous.client_session import AsyncClientSession

from services.campaigns.handlers.campaigns import fanout_owner, lease
from services.campaigns.handlers.deps import Deps, utcnow
from services.campaigns.handlers.sending import start_fan_out
from services.campaigns.store.counters import any_shard
from shared.scheduler import PeriodicJob

log = logging.getLogger(__name__)


def campaign_tick(deps: Deps) -> PeriodicJob:
    """Run by the shared scheduler on every tick of every replica (period None): each step below claims each
    campaign or message atomically itself, so replicas share the work and a due campaign starts once."""
    async def run(now: datetime) -> None:
        await tick(deps)
    return PeriodicJob("campaign-tick", run, period=None)


async def tick(deps: Deps) -> None:
    while (campaign := await deps.campaigns.claim_due(utcnow(), fanout_owner(deps), lease(deps))) is not None:
        log.info("scheduled campaign due; sending", extra={"campaignId": campaign.id})
        start_fan_out(deps, campaign)
    while (campaign := await deps.campaigns.claim_stalled_fanout(utcnow(), fanout_owner(deps), lease(deps))):
        log.warning("resuming a fan-out whose lease ran out (its process stopped or stalled)",
                    extra={"campaignId": campaign.id})
        start_fan_out(deps, campaign)
    await settle_interrupted(deps)


async def settle_interrupted(deps: Deps) -> None:
    """A message left 'sending' may or may not have gone out: it becomes 'unknown' and is never sent again."""
    now = utcnow()
    campaign_ids = await deps.campaigns.sending_ids()
    if not campaign_ids:
        return
    before = now - timedelta(seconds=deps.settings.sending_stale_seconds)
    stale = await deps.messages.stale_sending(campaign_ids, before)
    touched = set()
    for message in stale:
        async def work(session: AsyncClientSession, message=message) -> bool:
            if await deps.messages.mark_unknown(message.id, message.sending_at, "interrupted while sending", now,
                                                session):
                await deps.campaigns.add_counts(message.campaign_id, {"unknown": 1, "done": 1}, session,
                                                shard=any_shard())
                return True
            return False

        if await deps.runtime.transaction(work):
            touched.add(message.campaign_id)
    for campaign_id in touched:
        await deps.campaigns.finish_if_complete(campaign_id, now)
