"""Delivers one work item: claim (recorded 'sending'), send, settle; transient errors retried, at most once."""
import asyncio
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from services.campaigns.delivery.errors import Ambiguous, NotSentRetryable, Rejected
from services.campaigns.domain.messages import skip_reason
from services.campaigns.handlers.compose import compose_email, render_parts
from services.campaigns.handlers.deps import Deps, utcnow
from services.campaigns.store.counters import shard_for
from services.campaigns.work.batcher import Batcher
from shared.events import contracts
from shared.events.envelope import Envelope

log = logging.getLogger(__name__)


class ShuttingDown(Exception):
    """Raised for work items that arrive during shutdown, so the consumer requeues them unacked."""


@dataclass
class Outcome:
    message: dict
    token: str
    status: str
    fields: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    event: type | None = None


class Deliverer:
    def __init__(self, deps: Deps):
        self.deps = deps
        self.claims = Batcher(self._claim_batch, max_size=200)
        self.settles = Batcher(self._settle_batch, max_size=200, max_delay=0.01)
        self._campaigns: dict[str, dict] = {}
        self.stopping = False

    async def handle(self, envelope: Envelope) -> None:
        """Work-queue handler; tracked so that shutdown cancels it mid-send, exactly like a crash."""
        if self.stopping:
            raise ShuttingDown("not starting a send while stopping; the work item goes back to the queue")
        task = asyncio.current_task()
        self.deps.background.adopt(task)
        try:
            await self.deliver(envelope.data["messageId"])
        finally:
            self.deps.background.forget(task)

    async def deliver(self, message_id: str) -> None:
        settings = self.deps.settings
        for attempt in range(1, settings.send_attempts + 1):
            claimed = await self.claims.submit(message_id)
            if claimed is None:
                return  # already sent, sending elsewhere, unknown or final: never sent twice
            message, recipient = claimed
            token = message["claim"]
            try:
                outcome = await self._send(message, recipient, token)
            except NotSentRetryable as exc:
                if attempt < settings.send_attempts:
                    await self.deps.messages.release(message_id, token, exc.message)
                    await asyncio.sleep(settings.retry_backoff_seconds * 2 ** (attempt - 1))
                    continue
                outcome = Outcome(message, token, "failed", {"reason": exc.message}, {"failed": 1},
                                  contracts.CampaignMessageFailed)
            except Rejected as exc:
                outcome = Outcome(message, token, "failed", {"reason": exc.message}, {"failed": 1},
                                  contracts.CampaignMessageFailed)
            except Ambiguous as exc:
                outcome = Outcome(message, token, "unknown", {"reason": exc.message}, {"unknown": 1})
            await self.settles.submit(outcome)
            return

    async def _send(self, message: dict, recipient: dict | None, token: str) -> Outcome:
        campaign = await self._campaign(message["campaignId"])
        reason = skip_reason(recipient, message["channel"])
        if reason or campaign is None:
            return Outcome(message, token, "skipped", {"reason": reason or "campaign_deleted"}, {"skipped": 1})
        await self.deps.limiter.acquire()
        to = recipient["email"] if message["channel"] == "email" else recipient["phone"]
        if message["channel"] == "email":
            mail = compose_email(campaign, recipient, to, message["_id"], self.deps.links,
                                 self.deps.settings.mail_from)
            answer = await self.deps.email.send(mail)
            fields = {"providerAnswer": answer, "providerId": mail["Message-ID"]}
        else:
            text = render_parts(campaign, recipient)["text"]
            fields = {"providerId": await self.deps.sms.send(to=to, text=text, reference=message["_id"])}
        return Outcome(message, token, "sent", {**fields, "to": to, "sentAt": utcnow()}, {"sent": 1},
                       contracts.CampaignMessageSent)

    async def _campaign(self, campaign_id: str) -> dict | None:
        # Content can't change once a campaign is sending, so one read per process is enough.
        if campaign_id not in self._campaigns:
            doc = await self.deps.campaigns.get(campaign_id)
            if doc is None:
                return None
            if len(self._campaigns) > 100:
                self._campaigns.clear()
            self._campaigns[campaign_id] = doc
        return self._campaigns[campaign_id]

    async def _claim_batch(self, ids: list[str]) -> list:
        token = uuid.uuid4().hex
        owned = await self.deps.messages.claim(ids, token, utcnow())
        docs = {d["_id"]: d for d in await self.deps.messages.collection.find({"_id": {"$in": list(owned)}})
                .to_list()} if owned else {}
        recipients = await self.deps.recipients.by_ids(list({d["customerId"] for d in docs.values()})) \
            if docs else {}
        return [(docs[mid], recipients.get(docs[mid]["customerId"])) if mid in docs else None for mid in ids]

    async def _settle_batch(self, outcomes: list[Outcome]) -> list[None]:
        """One transaction for many messages: their status, the campaigns' counters and the outgoing events."""
        now = utcnow()
        deltas: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for outcome in outcomes:
            for name, value in {**outcome.counts, "done": 1}.items():
                deltas[outcome.message["campaignId"]][name] += value

        async def work(session) -> None:
            await self.deps.messages.settle([(o.message["_id"], o.token, {"status": o.status, "finishedAt": now,
                                                                          **o.fields}) for o in outcomes], session)
            for campaign_id, delta in deltas.items():
                await self.deps.campaigns.add_counts(campaign_id, dict(delta), session,
                                                     shard=shard_for(self.deps.owner))
            for outcome in outcomes:
                if outcome.event is not None:
                    await self.deps.runtime.outbox.add(session, message_event(outcome.event, outcome.message,
                                                                              reason=outcome.fields.get("reason")))

        await self.deps.runtime.transaction(work)
        for campaign_id in deltas:
            await self.deps.campaigns.finish_if_complete(campaign_id, now)
        return [None] * len(outcomes)


def message_event(event_class: type, message: dict, *, url: str | None = None, reason: str | None = None):
    return event_class(messageId=message["_id"], campaignId=message["campaignId"],
                       campaignName=message.get("campaignName", ""), customerId=message["customerId"],
                       channel=message["channel"], url=url, reason=reason)
