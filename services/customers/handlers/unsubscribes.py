"""What campaigns tells customers: unsubscribes are revokes in the consent ledger (the opt-in goes off); sends,
opens and clicks go on the timeline."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.consents import UNSUBSCRIBE_SOURCES
from services.customers.domain.erasure import is_erased
from services.customers.handlers import consents
from services.customers.handlers.activity_log import record_activity
from services.customers.handlers.deps import Deps
from shared.events import contracts
from shared.events.envelope import Envelope

_VERBS = {contracts.CampaignMessageSent.TYPE: ("campaign.sent", "Sent"),
          contracts.CampaignMessageOpened.TYPE: ("campaign.opened", "Opened"),
          contracts.CampaignMessageClicked.TYPE: ("campaign.clicked", "Clicked")}


async def on_customer_unsubscribed(deps: Deps, event: contracts.CustomerUnsubscribed, envelope: Envelope,
                                   session: AsyncClientSession) -> None:
    """Appends the revoke to the consent ledger (source: unsubscribe link, SMS STOP or spam complaint, as of when
    it happened) and re-derives the channel's opt-in flag; a deleted customer is skipped. Every unsubscribe is
    recorded, even one for a channel already off: it is the person's own act, and proof of it."""
    current = await deps.customers.get(event.customer_id, session)
    if current is None or is_erased(current):
        return
    source = UNSUBSCRIBE_SOURCES.get(event.source, "unsubscribe_link")
    await consents.append(deps, current, consents.Entry(
        channel=event.channel, status="revoked", source=source, occurred_at=envelope.occurred_at,
        campaign_id=event.campaign_id), session)
    await consents.settle_flags(deps, current, {event.channel}, session, correlation_id=envelope.correlation_id)


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
