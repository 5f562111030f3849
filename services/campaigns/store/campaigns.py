"""CampaignStore: campaigns with their status, fan-out lease and metric counters, read as Campaign records."""
from datetime import datetime

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.campaigns.domain import campaigns as rules
from services.campaigns.domain.records import OPTIONAL_FIELDS, Campaign
from services.campaigns.store.counters import CounterStore
from services.campaigns.store.slices import find_by_ids


class CampaignStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["campaigns"]
        self.counters = CounterStore(db)

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("status", ASCENDING), ("scheduledDate", ASCENDING)])
        await self.collection.create_index([("status", ASCENDING), ("fanout.leaseUntil", ASCENDING)])
        await self.collection.create_index([("createdAt", DESCENDING), ("_id", DESCENDING)])
        await self.counters.ensure_indexes()

    async def insert(self, campaign: Campaign) -> Campaign:
        await self.counters.create(campaign.id)
        await self.collection.insert_one(campaign.to_doc())
        return (await self._with_counts([campaign.to_doc()]))[0]

    async def _with_counts(self, docs: list[dict]) -> list[Campaign]:
        """Campaigns as read: with their counters added up from the shards."""
        totals = await self.counters.totals([d["_id"] for d in docs]) if docs else {}
        return [Campaign.from_doc(d, totals[d["_id"]]) for d in docs]

    async def get(self, campaign_id: str) -> Campaign | None:
        doc = await self.collection.find_one({"_id": campaign_id})
        return (await self._with_counts([doc]))[0] if doc else None

    async def by_ids(self, campaign_ids: list[str]) -> dict[str, Campaign]:
        """Campaign id -> the campaign (no counters); deleted campaigns are absent."""
        return {d["_id"]: Campaign.from_doc(d, {}) for d in await find_by_ids(self.collection, campaign_ids)}

    async def page(self, query: dict, limit: int, offset: int) -> tuple[list[Campaign], int]:
        items = await self.collection.find(query).sort([("createdAt", DESCENDING), ("_id", DESCENDING)]) \
            .skip(offset).limit(limit).to_list()
        return await self._with_counts(items), await self.collection.count_documents(query)

    async def edit(self, campaign: Campaign) -> Campaign | None:
        """The campaign's new content and audience (the optional ones without a value leave its document), while
        it is still editable; its status, dates and fan-out are not a command's to change here."""
        doc = campaign.to_doc()
        editable = ("name", "type", "content", "updatedAt", *OPTIONAL_FIELDS)
        update: dict = {"$set": {k: doc[k] for k in editable if k in doc}}
        removed = [k for k in OPTIONAL_FIELDS if k not in doc]
        if removed:
            update["$unset"] = {k: "" for k in removed}
        return await self._update_if(campaign.id, rules.EDITABLE, update)

    async def schedule(self, campaign_id: str, when: datetime, at: datetime) -> Campaign | None:
        return await self._update_if(campaign_id, rules.SCHEDULABLE, {
            "$set": {"status": "scheduled", "scheduledDate": when, "updatedAt": at}})

    async def cancel(self, campaign_id: str, at: datetime) -> Campaign | None:
        return await self._update_if(campaign_id, rules.CANCELLABLE, {
            "$set": {"status": "cancelled", "updatedAt": at}})

    async def start_sending(self, campaign_id: str, at: datetime, owner: str,
                            lease_until: datetime) -> Campaign | None:
        """draft or scheduled -> sending, its fan-out leased to owner; None when it was started or cancelled."""
        return await self._update_if(campaign_id, rules.SENDABLE, {
            "$set": {"status": "sending", "startedAt": at, "updatedAt": at,
                     "fanout": {"done": False, "owner": owner, "leaseUntil": lease_until}},
            "$inc": {"starts": 1}})

    async def finish_fan_out(self, campaign_id: str) -> None:
        """Every recipient recorded and handed over: the campaign can finish once its messages are done."""
        await self._update_if(campaign_id, {"sending"}, {"$set": {"fanout.done": True}})

    async def record_error(self, campaign_id: str, error: str) -> None:
        """Why a sending campaign's audience could not be resolved any more."""
        await self._update_if(campaign_id, {"sending"}, {"$set": {"error": error}})

    async def _update_if(self, campaign_id: str, statuses: set[str], update: dict) -> Campaign | None:
        """Applies the update only while the campaign is in one of `statuses`: concurrent commands can't both win."""
        doc = await self.collection.find_one_and_update(
            {"_id": campaign_id, "status": {"$in": sorted(statuses)}}, update,
            return_document=ReturnDocument.AFTER)
        return (await self._with_counts([doc]))[0] if doc else None

    async def delete_if(self, campaign_id: str, statuses: set[str]) -> bool:
        result = await self.collection.delete_one({"_id": campaign_id, "status": {"$in": sorted(statuses)}})
        if result.deleted_count == 1:
            await self.counters.delete(campaign_id)
        return result.deleted_count == 1

    async def claim_due(self, now: datetime, owner: str, lease_until: datetime) -> Campaign | None:
        """Atomically takes one due scheduled campaign: of several schedulers exactly one gets it (no counters)."""
        doc = await self.collection.find_one_and_update(
            {"status": "scheduled", "scheduledDate": {"$lte": now}},
            {"$set": {"status": "sending", "startedAt": now, "updatedAt": now,
                      "fanout": {"done": False, "owner": owner, "leaseUntil": lease_until}},
             "$inc": {"starts": 1}},
            sort=[("scheduledDate", ASCENDING)], return_document=ReturnDocument.AFTER)
        return Campaign.from_doc(doc, {}) if doc else None

    async def claim_stalled_fanout(self, now: datetime, owner: str, lease_until: datetime) -> Campaign | None:
        """Takes over a fan-out whose process died (its lease ran out) so it resumes exactly where it stood."""
        doc = await self.collection.find_one_and_update(
            {"status": "sending", "fanout.done": False, "fanout.leaseUntil": {"$lt": now}},
            {"$set": {"fanout.owner": owner, "fanout.leaseUntil": lease_until}},
            return_document=ReturnDocument.AFTER)
        return Campaign.from_doc(doc, {}) if doc else None

    async def renew_lease(self, campaign_id: str, owner: str, lease_until: datetime) -> bool:
        result = await self.collection.update_one({"_id": campaign_id, "fanout.owner": owner},
                                                  {"$set": {"fanout.leaseUntil": lease_until}})
        return result.matched_count == 1

    async def add_counts(self, campaign_id: str, deltas: dict[str, int], session: AsyncClientSession | None = None,
                         *, shard: int) -> None:
        await self.counters.add(campaign_id, shard, deltas, session)

    async def finish_if_complete(self, campaign_id: str, now: datetime) -> Campaign | None:
        """sending -> sent, or failed when nothing got out, once the fan-out is done and no message is pending."""
        query = {"_id": campaign_id, "status": "sending", "fanout.done": True}
        doc = await self.collection.find_one(query)
        counts = (await self.counters.totals([campaign_id]))[campaign_id] if doc else {}
        # Once done has reached queued no message can change it again, so checking here and updating below is safe.
        if doc is None or counts.get("done", 0) < counts.get("queued", 0):
            return None
        changes = {"status": "sent", "sentDate": now, "updatedAt": now}
        if counts.get("sent", 0) == 0:
            changes.update(status="failed", error=doc.get("error") or (
                "no recipient could be messaged" if counts.get("targeted") else "the audience was empty"))
        done = await self.collection.find_one_and_update(query, {"$set": changes}, return_document=ReturnDocument.AFTER)
        return Campaign.from_doc(done, counts) if done else None

    async def sending_ids(self) -> list[str]:
        docs = await self.collection.find({"status": "sending"}, projection={"_id": 1}).to_list()
        return [d["_id"] for d in docs]
