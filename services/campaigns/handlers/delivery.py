"""Delivers one work item: claim (recorded 'sending'), send, settle; transient errors retried, at most once."""
import asyncio
import logging
import uuid
from functools import partial

from services.campaigns.delivery.errors import Ambiguous, NotSentRetryable, Rejected
from services.campaigns.domain.messages import skip_reason, split_message_id
from services.campaigns.domain.records import Campaign, Message
from services.campaigns.domain.template_limits import RenderFailed
from services.campaigns.handlers.compose import compose_tracked_email, render_parts
from services.campaigns.handlers.deps import Deps, utcnow
from services.campaigns.handlers.outcomes import Outcome, settle_outcomes
from services.campaigns.handlers.render_pool import off_loop
from services.campaigns.work.batcher import Batcher
from shared.events import contracts
from shared.events.envelope import Envelope

log = logging.getLogger(__name__)


class Deliverer:
    def __init__(self, deps: Deps):
        self.deps = deps
        self.claims = Batcher(self._claim_batch, max_size=200)
        self.settles = Batcher(partial(settle_outcomes, deps), max_size=200, max_delay=0.01)
        self.sending = asyncio.Semaphore(deps.settings.send_concurrency)
        self._campaigns: dict[str, Campaign] = {}
        self.stopping = False

    async def handle(self, envelope: Envelope) -> None:
        """Work-queue handler; tracked so that shutdown cancels it mid-send, exactly like a crash."""
        task = asyncio.current_task()
        self.deps.background.adopt(task)
        try:
            if self.stopping:
                # Left unacknowledged until shutdown cancels it: back in the queue when the connection closes.
                await asyncio.get_running_loop().create_future()
            await self.deliver(envelope.data["messageId"])
        finally:
            self.deps.background.forget(task)

    async def deliver(self, message_id: str) -> None:
        settings = self.deps.settings
        for attempt in range(1, settings.send_attempts + 1):
            # A slot covers claim to provider answer: at most send_concurrency messages are claimed and not yet
            # answered (what a crash would leave unknown). Waiting for the settle holds no slot.
            async with self.sending:
                claimed = await self.claims.submit(message_id)
                if claimed is None:
                    return  # already sent, sending elsewhere, unknown or final: never sent twice
                message, recipient = claimed
                outcome = await self._attempt(message, recipient, last=attempt == settings.send_attempts)
            if outcome is None:  # provably not sent and released: try again after a pause
                await asyncio.sleep(settings.retry_backoff_seconds * 2 ** (attempt - 1))
                continue
            await self.settles.submit(outcome)
            return

    async def _attempt(self, message: Message, recipient: dict | None, *, last: bool) -> Outcome | None:
        token = message.claim
        try:
            return await self._send(message, recipient, token)
        except NotSentRetryable as exc:
            if not last:
                await self.deps.messages.release(message.id, token, exc.message)
                return None
            return Outcome(message, token, "failed", {"reason": exc.message}, {"failed": 1},
                           contracts.CampaignMessageFailed)
        except Rejected as exc:
            return Outcome(message, token, "failed", {"reason": exc.message}, {"failed": 1},
                           contracts.CampaignMessageFailed)
        except Ambiguous as exc:
            return Outcome(message, token, "unknown", {"reason": exc.message}, {"unknown": 1})
        except RenderFailed as exc:  # this recipient's data took the template past a limit (or to an error)
            return Outcome(message, token, "failed", {"reason": str(exc)}, {"failed": 1},
                           contracts.CampaignMessageFailed)

    async def _send(self, message: Message, recipient: dict | None, token: str) -> Outcome:
        campaign = await self._campaign(message.campaign_id)
        reason = "campaign_deleted" if campaign is None else skip_reason(recipient, message.channel)
        if reason:
            return Outcome(message, token, "skipped", {"reason": reason}, {"skipped": 1})
        await self.deps.limiter.acquire()
        to = recipient["email"] if message.channel == "email" else recipient["phone"]
        if message.channel == "email":
            composed = await off_loop(self.deps.settings, compose_tracked_email, campaign, recipient, to,
                                      message.id, self.deps.links, self.deps.settings.mail_from)
            answer = await self.deps.email.send(composed.mail)
            # The links are kept with the message: a click token names one by position, nothing else redirects.
            fields = {"providerAnswer": answer, "providerId": composed.mail["Message-ID"], "links": composed.links}
        else:
            text = (await off_loop(self.deps.settings, render_parts, campaign, recipient,
                                   self.deps.settings.sms_opt_out_line))["text"]
            fields = {"providerId": await self.deps.sms.send(to=to, text=text, reference=message.id)}
        return Outcome(message, token, "sent", {**fields, "to": to, "sentAt": utcnow()}, {"sent": 1},
                       contracts.CampaignMessageSent)

    async def _campaign(self, campaign_id: str) -> Campaign | None:
        # Content can't change once a campaign is sending, so one read per process is enough.
        if campaign_id not in self._campaigns:
            campaign = await self.deps.campaigns.get(campaign_id)
            if campaign is None:
                return None
            if len(self._campaigns) > 100:
                self._campaigns.clear()
            self._campaigns[campaign_id] = campaign
        return self._campaigns[campaign_id]

    async def _claim_batch(self, ids: list[str]) -> list:
        token = uuid.uuid4().hex
        owned = await self.deps.messages.claim(list(dict.fromkeys(ids)), token, utcnow())
        # What a message record holds that sending needs follows from its key and its campaign, which can't
        # change while it sends: no read of the records.
        messages = {mid: await self._claimed(mid, token) for mid in owned}
        recipients = await self.deps.recipients.by_ids(list({m.customer_id for m in messages.values()})) \
            if messages else {}
        # pop: a work item repeated within one batch must not get the message a second time.
        return [(message, recipients.get(message.customer_id)) if (message := messages.pop(mid, None)) else None
                for mid in ids]

    async def _claimed(self, key: str, token: str) -> Message:
        campaign_id, customer_id = split_message_id(key)
        campaign = await self._campaign(campaign_id)
        return Message(id=key, campaign_id=campaign_id, customer_id=customer_id, claim=token,
                       channel=campaign.type if campaign else None, campaign_name=campaign.name if campaign else "")
