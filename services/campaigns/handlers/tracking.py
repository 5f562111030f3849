"""Opens, clicks, unsubscribes and provider delivery reports: each moves a message and its campaign's metrics."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.campaigns.domain.records import Message
from services.campaigns.domain.tracking import CLICK, OPEN, UNSUBSCRIBE
from services.campaigns.handlers.deps import Deps, utcnow
from services.campaigns.handlers.outcomes import message_event
from services.campaigns.store.counters import any_shard
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.events import contracts

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}


async def _message(deps: Deps, message_id: str) -> Message:
    message = await deps.messages.get(message_id)
    if message is None or message.erased_at is not None:  # erased: its links stop resolving, counters stay
        raise NotFound("this link is not valid", field="token")
    return message


async def record_open(deps: Deps, token: str) -> None:
    message = await _message(deps, deps.links.tokens.read(OPEN, token)["m"])

    async def work(session: AsyncClientSession) -> None:
        await _first_open(deps, message, session)

    await deps.runtime.transaction(work)


async def _first_open(deps: Deps, message: Message, session: AsyncClientSession) -> None:
    if await deps.messages.mark_opened(message.id, utcnow(), session):
        await deps.campaigns.add_counts(message.campaign_id, {"opened": 1}, session, shard=any_shard())
        await deps.runtime.outbox.add(session, message_event(contracts.CampaignMessageOpened, message))


async def record_click(deps: Deps, token: str) -> str:
    """Returns where to redirect: the link of the message's own content the token names (kept with the message
    when it was sent), so no token, however signed, redirects anywhere else."""
    payload = deps.links.tokens.read(CLICK, token)
    message = await _message(deps, payload["m"])
    links = message.links
    if payload["l"] >= len(links):
        raise NotFound("this link is not valid", field="token")
    url = links[payload["l"]]

    async def work(session: AsyncClientSession) -> None:
        await _first_open(deps, message, session)  # a click proves the mail was opened, images or not
        if await deps.messages.mark_clicked(message.id, utcnow(), session):
            await deps.campaigns.add_counts(message.campaign_id, {"clicked": 1}, session, shard=any_shard())
            await deps.runtime.outbox.add(session, message_event(contracts.CampaignMessageClicked, message,
                                                                 url=url))

    await deps.runtime.transaction(work)
    return url


async def unsubscribe_target(deps: Deps, token: str) -> Message:
    """The message an unsubscribe link names: 404 for a forged link, or once its recipient was erased."""
    return await _message(deps, deps.links.tokens.read(UNSUBSCRIBE, token)["m"])


async def unsubscribe_by_token(deps: Deps, token: str) -> Message:
    message = await unsubscribe_target(deps, token)
    await unsubscribe(deps, message.customer_id, message.channel, message=message, source="link")
    return message


async def unsubscribe(deps: Deps, customer_id: str, channel: str, *, message: Message | None = None,
                      source: str) -> None:
    """Stops this channel for the customer here at once, and tells customers to turn the opt-in off."""

    async def work(session: AsyncClientSession) -> None:
        await deps.recipients.set_unsubscribed(customer_id, channel, True, session)
        if message is not None:
            if not await deps.messages.mark_unsubscribed(message.id, utcnow(), session):
                return  # the same link used twice: one unsubscribe
            await deps.campaigns.add_counts(message.campaign_id, {"unsubscribed": 1}, session, shard=any_shard())
        await deps.runtime.outbox.add(session, contracts.CustomerUnsubscribed(
            customerId=customer_id, channel=channel, campaignId=message.campaign_id if message else None,
            source=source))

    await deps.runtime.transaction(work)


async def delivery_report(deps: Deps, message_id: str, status: str, *, channel: str) -> None:
    """A provider's receipt: delivered, bounced (failed/undelivered after it had been accepted), or a complaint
    (the recipient marked the mail as spam: unsubscribed from the channel, as the provider expects)."""
    message = await deps.messages.get(message_id)
    if message is None or message.channel != channel:
        raise NotFound(f"{channel} message {message_id} not found", field="reference")
    if status == "complained":
        if message.status in ("queued", "sending"):
            raise Conflict("the message is not recorded as sent yet; retry later", field="reference")
        await unsubscribe(deps, message.customer_id, channel, message=message, source="complaint")
        return
    if status == "delivered":
        target, counter, event = "delivered", "delivered", contracts.CampaignMessageDelivered
    elif status in ("bounced", "failed", "undelivered"):
        target, counter, event = "bounced", "bounced", contracts.CampaignMessageFailed
    else:
        raise ValidationFailed(f"unknown delivery status {status!r}", field="status")

    if message.status in ("queued", "sending"):
        # The receipt overtook our own record of the send; providers retry webhooks that are not 2xx.
        raise Conflict("the message is not recorded as sent yet; retry later", field="reference")

    async def work(session: AsyncClientSession) -> None:
        mark = deps.messages.mark_bounced if target == "bounced" else deps.messages.mark_delivered
        if await mark(message_id, utcnow(), session):
            await deps.campaigns.add_counts(message.campaign_id, {counter: 1}, session, shard=any_shard())
            await deps.runtime.outbox.add(session, message_event(event, message, reason=target))

    await deps.runtime.transaction(work)


def is_stop(text: str) -> bool:
    """Twilio's opt-out keywords, alone in the message, in any case."""
    return text.strip().upper() in STOP_WORDS


async def inbound_sms(deps: Deps, sender: str, text: str) -> bool:
    """SMS STOP (and its usual synonyms) from a number unsubscribes every customer with that number from SMS."""
    if not is_stop(text):
        return False
    for recipient in await deps.recipients.by_phone(sender):
        await unsubscribe(deps, recipient["_id"], "sms", source="sms_stop")
    return True
