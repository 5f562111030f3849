"""What campaigns tells customers: unsubscribes turn an opt-in off; sends, opens and clicks go on the timeline."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.handlers.activity_log import record_activity
from services.customers.handlers.deps import Deps, utcnow
from services.customers.handlers.profiles import contact_event
from shared.events import contracts
from shared.events.envelope import Envelope

_VERBS = {contracts.CampaignMessageSent.TYPE: ("campaign.sent", "Sent"),
          contracts.CampaignMessageOpened.TYPE: ("campaign.opened", "Opened"),
          contracts.CampaignMessageClicked.TYPE: ("campaign.clicked", "Clicked")}


async def on_customer_unsubscribed(deps: Deps, event: contracts.CustomerUnsubscribed, envelope: Envelope,
                                   session: AsyncClientSession) -> None:
    """Turns the channel's opt-in off and says so with customer.updated; a deleted customer is skipped."""
    current = await deps.customers.get(event.customer_id, session)
    if current is None or not (current.get("communication") or {}).get(event.channel, False):
        return
    now = utcnow()
    updated = await deps.customers.update(event.customer_id, {f"communication.{event.channel}": False,
                                                              "updatedAt": now}, [], session)
    await record_activity(deps, activity.entry(event.customer_id, "communication.unsubscribed",
                                           f"Unsubscribed from {event.channel}", envelope.occurred_at,
                                           {"channel": event.channel, "campaignId": event.campaign_id,
                                            "source": event.source}), session)
    await deps.runtime.outbox.add(session, contact_event(contracts.CustomerUpdated, updated, ["communication"]),
                                  correlation_id=envelope.correlation_id)


async def on_campaign_message(deps: Deps, event: contracts.CampaignMessageEvent, envelope: Envelope,
                              session: AsyncClientSession) -> None:
    kind, verb = _VERBS[envelope.type]
    if await deps.customers.get(event.customer_id, session) is None:
        return
    summary = f"{verb} {event.channel} campaign \"{event.campaign_name}\""
    data = {"campaignId": event.campaign_id, "messageId": event.message_id, "channel": event.channel}
    if event.url:
        data["url"] = event.url
    await record_activity(deps, activity.entry(event.customer_id, kind, summary, envelope.occurred_at, data), session)
