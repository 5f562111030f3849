"""What a send came to: the message's final status, the campaign's counters and the outgoing event, recorded
for a batch of sends in one transaction (SecantusDB manages ~100 transactions/s)."""
from collections import defaultdict
from dataclasses import dataclass, field

from services.campaigns.domain.records import Message, Settlement
from services.campaigns.handlers.deps import Deps, utcnow
from services.campaigns.store.counters import shard_for


@dataclass
class Outcome:
    """A claimed message's result: its new status and fields, the counters it moves, the event it announces."""
    message: Message
    token: str
    status: str
    fields: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    event: type | None = None


async def settle_outcomes(deps: Deps, outcomes: list[Outcome]) -> list[None]:
    """One transaction for many messages: their status, the campaigns' counters and the outgoing events."""
    now = utcnow()
    touched: set[str] = set()

    async def work(session) -> None:
        settled = await deps.messages.settle([Settlement(o.message.id, o.token, o.status, now, o.fields)
                                              for o in outcomes], session)
        # Counted and announced only what this claim still held (not meanwhile declared unknown as stale).
        mine = [o for o in outcomes if o.message.id in settled]
        deltas: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for outcome in mine:
            for name, value in {**outcome.counts, "done": 1}.items():
                deltas[outcome.message.campaign_id][name] += value
        for campaign_id, delta in deltas.items():
            await deps.campaigns.add_counts(campaign_id, dict(delta), session, shard=shard_for(deps.owner))
        await deps.runtime.outbox.add_many(session, [
            (message_event(o.event, o.message, reason=o.fields.get("reason")), None)
            for o in mine if o.event is not None])
        touched.clear()
        touched.update(deltas)

    await deps.runtime.transaction(work)
    for campaign_id in touched:
        await deps.campaigns.finish_if_complete(campaign_id, now)
    return [None] * len(outcomes)


def message_event(event_class: type, message: Message, *, url: str | None = None, reason: str | None = None):
    return event_class(messageId=message.id, campaignId=message.campaign_id, campaignName=message.campaign_name or "",
                       customerId=message.customer_id, channel=message.channel, url=url, reason=reason)
