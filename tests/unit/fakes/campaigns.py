"""In-memory campaigns stores with the real ones' method names, return shapes and conditional updates
(services/campaigns/store/*), and a Deps built from them. Delivery (SMTP, SMS, HTTP) is left out: None."""
import copy
import uuid
from datetime import datetime

from services.campaigns.domain import campaigns as rules
from services.campaigns.domain.messages import COUNTERS
from services.campaigns.domain.records import OPTIONAL_FIELDS, Campaign, Message, Settlement, Template
from services.campaigns.handlers.deps import Deps
from services.campaigns.settings import CampaignsSettings
from shared.errors import ValidationFailed
from tests.unit.fakes.runtime import FakeDocuments, FakeRuntime, FakeSession, check_session

Session = FakeSession | None


def _apply(doc: dict, update: dict) -> None:
    """The update operators campaign commands use: $set, $unset and $inc, on top-level or dotted fields."""
    unknown = set(update) - {"$set", "$unset", "$inc"}
    if unknown:
        raise NotImplementedError(f"the fake campaign store does not apply {sorted(unknown)}")
    for path, value in update.get("$set", {}).items():
        *parents, leaf = path.split(".")
        target = doc
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = copy.deepcopy(value)
    for path in update.get("$unset", {}):
        doc.pop(path, None)
    for path, amount in update.get("$inc", {}).items():
        doc[path] = doc.get(path, 0) + amount


class FakeCampaignStore(FakeDocuments):
    """Campaigns as read carry `counts`, added up from the counters (here one dict per campaign, not 16 shards)."""

    def __init__(self) -> None:
        super().__init__()
        self.counters: dict[str, dict[str, int]] = {}
        self.before_update = None  # a test's hook: runs between a command's read and its conditional update

    def snapshot(self) -> object:
        return copy.deepcopy((self.docs, self.counters))

    def restore(self, snapshot: object) -> None:
        self.docs, self.counters = snapshot  # type: ignore[misc]

    def _with_counts(self, doc: dict | None) -> Campaign | None:
        return Campaign.from_doc(copy.deepcopy(doc), dict(self.counters[doc["_id"]])) if doc else None

    async def insert(self, campaign: Campaign) -> Campaign:
        self.counters[campaign.id] = {name: 0 for name in COUNTERS}
        self.docs[campaign.id] = campaign.to_doc()
        return self._with_counts(self.docs[campaign.id])

    async def get(self, campaign_id: str) -> Campaign | None:
        return self._with_counts(self.docs.get(campaign_id))

    async def edit(self, campaign: Campaign) -> Campaign | None:
        doc = campaign.to_doc()
        update: dict = {"$set": {k: doc[k] for k in ("name", "type", "content", "updatedAt", *OPTIONAL_FIELDS)
                                 if k in doc}}
        removed = [k for k in OPTIONAL_FIELDS if k not in doc]
        if removed:
            update["$unset"] = {k: "" for k in removed}
        return await self._update_if(campaign.id, rules.EDITABLE, update)

    async def schedule(self, campaign_id: str, when: datetime, at: datetime) -> Campaign | None:
        return await self._update_if(campaign_id, rules.SCHEDULABLE, {
            "$set": {"status": "scheduled", "scheduledDate": when, "updatedAt": at}})

    async def cancel(self, campaign_id: str, at: datetime) -> Campaign | None:
        return await self._update_if(campaign_id, rules.CANCELLABLE, {"$set": {"status": "cancelled", "updatedAt": at}})

    async def start_sending(self, campaign_id: str, at: datetime, owner: str,
                            lease_until: datetime) -> Campaign | None:
        return await self._update_if(campaign_id, rules.SENDABLE, {
            "$set": {"status": "sending", "startedAt": at, "updatedAt": at,
                     "fanout": {"done": False, "owner": owner, "leaseUntil": lease_until}},
            "$inc": {"starts": 1}})

    async def finish_fan_out(self, campaign_id: str) -> None:
        await self._update_if(campaign_id, {"sending"}, {"$set": {"fanout.done": True}})

    async def record_error(self, campaign_id: str, error: str) -> None:
        await self._update_if(campaign_id, {"sending"}, {"$set": {"error": error}})

    async def _update_if(self, campaign_id: str, statuses: set[str], update: dict) -> Campaign | None:
        if self.before_update:
            self.before_update(self)
        doc = self.docs.get(campaign_id)
        if doc is None or doc["status"] not in statuses:
            return None
        _apply(doc, update)
        return self._with_counts(doc)

    async def delete_if(self, campaign_id: str, statuses: set[str]) -> bool:
        doc = self.docs.get(campaign_id)
        if doc is None or doc["status"] not in statuses:
            return False
        del self.docs[campaign_id]
        del self.counters[campaign_id]
        return True

    async def add_counts(self, campaign_id: str, deltas: dict[str, int], session: Session = None, *,
                         shard: int) -> None:
        check_session(session)
        if campaign_id in self.counters:  # the real $inc on a missing shard matches nothing
            for name, value in deltas.items():
                self.counters[campaign_id][name] = self.counters[campaign_id].get(name, 0) + value

    async def finish_if_complete(self, campaign_id: str, now: datetime) -> Campaign | None:
        """sending -> sent (or failed when nothing got out) once the fan-out is done and done has reached queued."""
        doc = self.docs.get(campaign_id)
        if doc is None or doc["status"] != "sending" or not (doc.get("fanout") or {}).get("done"):
            return None
        counts = self.counters[campaign_id]
        if counts.get("done", 0) < counts.get("queued", 0):
            return None
        doc.update(status="sent", sentDate=now, updatedAt=now)
        if counts.get("sent", 0) == 0:
            doc.update(status="failed", error=doc.get("error") or (
                "no recipient could be messaged" if counts.get("targeted") else "the audience was empty"))
        return self._with_counts(doc)


class FakeTemplateStore(FakeDocuments):
    async def insert(self, template: Template) -> None:
        self.docs[template.id] = template.to_doc()

    async def get(self, template_id: str) -> Template | None:
        doc = self.read(template_id)
        return Template.from_doc(doc) if doc else None

    async def replace(self, template: Template) -> Template | None:
        if template.id not in self.docs:
            return None
        self.docs[template.id] = template.to_doc()
        return await self.get(template.id)

    async def delete(self, template_id: str) -> bool:
        return self.docs.pop(template_id, None) is not None


class FakeMessageStore(FakeDocuments):
    def put(self, campaign_id: str, customer_id: str, *, status: str = "sending",
            claim: str | None = None) -> Message:
        doc = {"_id": str(uuid.uuid4()), "campaignId": campaign_id, "campaignName": "Spring", "customerId": customer_id,
               "channel": "email", "status": status, "claim": claim}
        self.docs[doc["_id"]] = doc
        return Message.from_doc(doc)

    async def settle(self, settlements: list[Settlement], session: FakeSession) -> set[str]:
        """Moves messages still sending under their claim token to their outcome; returns the ids it moved."""
        check_session(session, required=True)
        moved = set()
        for settlement in settlements:
            doc = self.docs.get(settlement.message_id)
            if doc is not None and doc["status"] == "sending" and doc.get("claim") == settlement.claim:
                doc.update(status=settlement.status, finishedAt=settlement.finished_at,
                           **copy.deepcopy(settlement.fields))
                moved.add(settlement.message_id)
        return moved


class FakeSegmentMembers:
    """The customers service's segments as campaigns checks them: a name it does not know is a 422."""

    def __init__(self, known: set[str] | None = None):
        self.known = set(known or ())

    async def check(self, segment: str) -> None:
        if segment not in self.known:
            raise ValidationFailed(f"segment {segment!r} does not exist", field="targetSegment")


def campaigns_deps(*, segments: set[str] | None = None, settings: CampaignsSettings | None = None) -> Deps:
    campaigns, templates, messages = FakeCampaignStore(), FakeTemplateStore(), FakeMessageStore()
    runtime = FakeRuntime("campaigns", [campaigns, templates, messages])
    return Deps(settings=settings or CampaignsSettings(), runtime=runtime, http=None, campaigns=campaigns,
                templates=templates, messages=messages, recipients=None, fanouts=None,
                segments=FakeSegmentMembers(segments), profiles=None, email=None, sms=None, links=None, limiter=None,
                background=None, receipts=None, owner="unit-test")
