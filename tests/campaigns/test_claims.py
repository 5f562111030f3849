"""Claims and settles in batches against the real database: only what a claim holds is sent, settled and counted."""
import asyncio
import json
from datetime import datetime, timedelta, timezone

from services.campaigns.domain.records import Message
from services.campaigns.handlers.delivery import Deliverer
from services.campaigns.handlers.outcomes import Outcome
from services.campaigns.handlers.scheduler import settle_interrupted
from shared.events import contracts


async def _queued(deps, campaign_id: str, count: int) -> list[str]:
    now = datetime.now(timezone.utc)
    ids = [f"{campaign_id}:cust{i:03d}" for i in range(count)]
    async def work(session):
        await deps.messages.insert([{"_id": mid, "campaignId": campaign_id, "customerId": mid.split(":")[1],
                                     "channel": "email", "status": "queued", "attempts": 0, "createdAt": now}
                                    for mid in ids], session)
        await deps.campaigns.add_counts(campaign_id, {"targeted": count, "queued": count}, session, shard=0)
    await deps.campaigns.counters.create(campaign_id)
    await deps.runtime.transaction(work)
    return ids


async def test_a_claim_takes_only_queued_messages_and_two_claims_never_share_one(campaigns_app):
    deps = campaigns_app.state.deps
    ids = await _queued(deps, "c1", 250)  # more than one slice of ids
    now = datetime.now(timezone.utc)
    first = await deps.messages.claim(ids[:150], "token-a", now)
    second = await deps.messages.claim(ids[100:], "token-b", now)
    assert first == ids[:150]
    assert second == ids[150:]  # the 50 already claimed by the first are not handed out again
    held = {d["_id"]: d["claim"] for d in await deps.messages.collection.find({}, {"claim": 1}).to_list()}
    assert [held[i] for i in ids] == ["token-a"] * 150 + ["token-b"] * 100


async def test_a_send_settled_after_it_was_declared_unknown_is_neither_moved_nor_counted(campaigns_app):
    deps = campaigns_app.state.deps
    ids = await _queued(deps, "c2", 3)
    await deps.campaigns.collection.insert_one({"_id": "c2", "name": "Sale", "type": "email", "status": "sending",
                                                "fanout": {"done": False}})
    # The first was claimed an hour ago (a process stalled mid-send): the scheduler declares it unknown.
    await deps.messages.claim(ids[:1], "token", datetime.now(timezone.utc) - timedelta(hours=1))
    await deps.messages.claim(ids[1:], "token", datetime.now(timezone.utc))
    await settle_interrupted(deps)

    deliverer = Deliverer(deps)  # then the stalled send answers, with the two others
    await asyncio.gather(*(deliverer.settles.submit(Outcome(
        Message(id=mid, campaign_id="c2", customer_id=mid.split(":")[1], channel="email", campaign_name="Sale"),
        "token", "sent", {"to": "x@example.com"}, {"sent": 1}, contracts.CampaignMessageSent)) for mid in ids))

    statuses = {d["_id"]: d["status"] for d in await deps.messages.collection.find({}).to_list()}
    assert statuses == {ids[0]: "unknown", ids[1]: "sent", ids[2]: "sent"}
    counts = (await deps.campaigns.counters.totals(["c2"]))["c2"]
    assert (counts["sent"], counts["unknown"], counts["done"]) == (2, 1, 3)
    events = await deps.runtime.outbox.collection.find({"routingKey": contracts.CampaignMessageSent.TYPE}).to_list()
    assert sorted(json.loads(e["body"])["data"]["messageId"] for e in events) == ids[1:]
