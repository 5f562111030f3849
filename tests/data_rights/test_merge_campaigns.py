"""customer.merged in campaigns, through the real consume path: the merged customer's messages show under the kept
customer, the merged id's recipient entry is a tombstone naming the kept one, an unsubscribe carries over, and the
campaign counters are untouched.

The messages are written straight into the service's database as sending writes them: what is under test is what
the merge does to them (a real send is covered in tests/campaigns)."""
import uuid
from datetime import datetime, timezone

from shared.events import contracts
from tests.loyalty.support import deliver

SENT = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _message(campaign_id: str, customer_id: str) -> dict:
    return {"_id": f"{campaign_id}:{customer_id}", "campaignId": campaign_id, "campaignName": "Spring",
            "customerId": customer_id, "channel": "email", "to": f"{customer_id}@example.com", "status": "sent",
            "reason": None, "attempts": 1, "createdAt": SENT, "sentAt": SENT, "openedAt": SENT, "clickedAt": None,
            "unsubscribedAt": None}


def _contact(customer_id: str) -> contracts.CustomerCreated:
    return contracts.CustomerCreated(customerId=customer_id, firstName="Ada", lastName="Lovelace",
                                     email=f"{customer_id}@example.com", status="active", emailOptIn=True,
                                     smsOptIn=True, pushOptIn=False)


async def test_messages_move_to_the_kept_customer_and_the_merged_recipient_is_retired(campaigns_app, campaigns_api):
    kept, merged = str(uuid.uuid4()), str(uuid.uuid4())
    deps = campaigns_app.state.deps
    for customer_id in (kept, merged):
        await deliver(campaigns_app, _contact(customer_id))
    await deps.recipients.set_unsubscribed(merged, "sms", True)
    await deps.messages.collection.insert_many([_message("c1", kept), _message("c1", merged),
                                                _message("c2", merged)])
    counters = deps.runtime.db["campaign_counters"]
    await counters.insert_one({"_id": "c1:0", "campaignId": "c1", "sent": 2, "opened": 2})
    counted = await counters.find().to_list()

    event = contracts.CustomerMerged(keptId=kept, mergedId=merged)
    await deliver(campaigns_app, event)
    await deliver(campaigns_app, event)  # twice: nothing more changes

    pages = (await campaigns_api.get("/messages", params={"customerIds": f"{kept},{merged}"})).json()
    assert pages[merged]["total"] == 0 and pages[kept]["total"] == 3
    assert sorted(m["id"] for m in pages[kept]["items"]) == sorted([f"c1:{kept}", f"c1:{merged}", f"c2:{merged}"])
    moved = await deps.messages.collection.find_one({"_id": f"c2:{merged}"})
    assert moved["customerId"] == kept and moved["mergedFrom"] == merged and moved["status"] == "sent"
    # The merged id is never a recipient again; the kept customer keeps their details and takes the sms stop.
    assert await deps.recipients.by_ids([kept, merged]) == {kept: await deps.recipients.get(kept)}
    retired = await deps.recipients.collection.find_one({"_id": merged})
    assert retired["deleted"] is True and retired["mergedInto"] == kept and "email" not in retired
    assert (await deps.recipients.get(kept))["unsubscribed"] == {"sms": True}
    # The campaign's metrics are what they were: nothing was sent, opened or counted again.
    assert await counters.find().to_list() == counted
