"""Campaign commands and send outcomes against the in-memory stores: what a campaign is created as, which status
moves are allowed, a concurrent start winning over an edit, and what settling a batch of sends records and
announces."""
from datetime import timedelta

import pytest

from services.campaigns.domain.campaigns import CampaignCreate
from services.campaigns.domain.templates import TemplateCreate
from services.campaigns.handlers.campaigns import (
    cancel_campaign,
    create_campaign,
    delete_campaign,
    schedule_campaign,
)
from services.campaigns.handlers.deps import utcnow
from services.campaigns.handlers.outcomes import Outcome, settle_outcomes
from services.campaigns.handlers.templates import create_template
from shared.errors import Conflict, ValidationFailed
from shared.events.contracts.campaigns import CampaignMessageFailed, CampaignMessageSent
from tests.unit.fakes.campaigns import campaigns_deps


@pytest.fixture
def deps():
    return campaigns_deps(segments={"vip"})


def campaign(**fields) -> CampaignCreate:
    return CampaignCreate.model_validate({"name": "Spring", "type": "email", "subject": "Hi {{ firstName }}",
                                          "content": "New tees are in, {{ firstName }}.", "targetSegment": "vip",
                                          **fields})


async def test_a_campaign_made_from_a_template_copies_its_content_and_starts_as_a_draft(deps):
    template = await create_template(deps, TemplateCreate.model_validate(
        {"name": "Reminder", "type": "sms", "content": "{{ firstName }}, your cart misses you"}))

    created = await create_campaign(deps, CampaignCreate.model_validate(
        {"name": "Carts", "templateId": template.id, "targetCustomers": ["ada", " ada ", "bo"]}))

    assert (created.type, created.content, created.status) == \
        ("sms", "{{ firstName }}, your cart misses you", "draft")
    assert list(created.target_customers) == ["ada", "bo"]
    assert created.counts["sent"] == 0
    assert await deps.campaigns.get(created.id) == created


async def test_a_campaign_given_a_future_date_is_created_scheduled(deps):
    when = utcnow() + timedelta(hours=2)
    created = await create_campaign(deps, campaign(scheduledDate=when.isoformat()))
    assert (created.status, created.scheduled_date) == ("scheduled", when)


@pytest.mark.parametrize("fields, field", [
    ({"targetSegment": "nobody"}, "targetSegment"),
    ({"subject": None}, "subject"),
    ({"content": "{{ firstName.__class__ }}"}, "content"),
    ({"scheduledDate": "2020-01-01T00:00:00Z"}, "scheduledDate"),
])
async def test_a_campaign_that_breaks_a_rule_is_refused_naming_the_field_and_not_stored(deps, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        await create_campaign(deps, campaign(**fields))
    assert refused.value.field == field
    assert deps.campaigns.docs == {}


async def test_a_draft_is_scheduled_then_cancelled_and_a_cancelled_one_goes_nowhere_but_away(deps):
    created = await create_campaign(deps, campaign())
    when = utcnow() + timedelta(days=1)

    scheduled = await schedule_campaign(deps, created.id, when)
    cancelled = await cancel_campaign(deps, created.id)

    assert (scheduled.status, scheduled.scheduled_date) == ("scheduled", when)
    assert cancelled.status == "cancelled"
    with pytest.raises(Conflict) as refused:
        await schedule_campaign(deps, created.id, when)
    assert "a cancelled campaign cannot be scheduled" in refused.value.message
    await delete_campaign(deps, created.id)
    assert await deps.campaigns.get(created.id) is None


async def test_a_scheduled_campaign_cannot_be_deleted(deps):
    created = await create_campaign(deps, campaign(scheduledDate=(utcnow() + timedelta(days=1)).isoformat()))
    with pytest.raises(Conflict):
        await delete_campaign(deps, created.id)
    assert (await deps.campaigns.get(created.id)).status == "scheduled"


async def test_a_campaign_that_starts_sending_meanwhile_is_not_cancelled(deps):
    created = await create_campaign(deps, campaign())
    # The scheduler claims it between the command's read and its conditional update.
    deps.campaigns.before_update = lambda store: store.docs[created.id].update(status="sending")

    with pytest.raises(Conflict) as refused:
        await cancel_campaign(deps, created.id)

    assert "started meanwhile" in refused.value.message
    assert deps.campaigns.docs[created.id]["status"] == "sending"


async def test_settling_sends_counts_and_announces_only_what_the_claim_still_held(deps):
    created = await create_campaign(deps, campaign())
    campaign_id = created.id
    deps.campaigns.docs[campaign_id].update(status="sending", fanout={"done": True})
    deps.campaigns.counters[campaign_id].update(targeted=3, queued=3)
    sent = deps.messages.put(campaign_id, "ada", claim="t1")
    failed = deps.messages.put(campaign_id, "bo", claim="t1")
    stale = deps.messages.put(campaign_id, "cy", status="unknown", claim="t1")  # declared unknown meanwhile

    await settle_outcomes(deps, [
        Outcome(sent, "t1", "sent", {"providerId": "p-1"}, {"sent": 1}, CampaignMessageSent),
        Outcome(failed, "t1", "failed", {"reason": "mailbox full"}, {"failed": 1}, CampaignMessageFailed),
        Outcome(stale, "t1", "sent", {}, {"sent": 1}, CampaignMessageSent),
    ])

    assert [deps.messages.docs[m.id]["status"] for m in (sent, failed, stale)] == ["sent", "failed", "unknown"]
    counts = deps.campaigns.counters[campaign_id]
    assert (counts["sent"], counts["failed"], counts["done"]) == (1, 1, 2)
    events = deps.runtime.outbox.events
    assert [(e.TYPE, e.customer_id, e.reason) for e in events] == [
        ("campaign.message.sent", "ada", None), ("campaign.message.failed", "bo", "mailbox full")]
    # Two of three queued are done: the campaign is still sending.
    assert deps.campaigns.docs[campaign_id]["status"] == "sending"


@pytest.mark.parametrize("outcome, final", [("sent", "sent"), ("failed", "failed")])
async def test_the_last_send_settled_finishes_the_campaign_failed_when_nothing_got_out(deps, outcome, final):
    created = await create_campaign(deps, campaign())
    campaign_id = created.id
    deps.campaigns.docs[campaign_id].update(status="sending", fanout={"done": True})
    deps.campaigns.counters[campaign_id].update(targeted=1, queued=1)
    message = deps.messages.put(campaign_id, "ada", claim="t1")

    await settle_outcomes(deps, [Outcome(message, "t1", outcome, {}, {outcome: 1})])

    finished = await deps.campaigns.get(campaign_id)
    assert finished.status == final
    assert finished.error == (None if final == "sent" else "no recipient could be messaged")
    assert deps.runtime.outbox.events == []  # an outcome without an event class announces nothing
