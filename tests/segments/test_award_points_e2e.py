"""award_points against the real loyalty service in-process: each member credited once, even when the whole job is
re-run with its markers lost (loyalty dedupes on the requestId the job sends)."""
import httpx

from services.customers.clients.loyalty import LoyaltyClient
from services.customers.handlers.deps import utcnow
from shared.events import contracts
from tests.customers.factories import customer_body
from tests.loyalty.support import deliver
from tests.segments.helpers import deps_of, wait_job, wait_ready


async def _vip_members(api, customers_app, loyalty_app) -> tuple:
    deps = deps_of(customers_app)
    deps.segments.loyalty = LoyaltyClient(deps.segments.settings, deps.segments.loyalty.headers,
                                          transport=httpx.ASGITransport(app=loyalty_app))
    await wait_ready(api, "vip")
    ids = []
    for _ in range(3):
        body = customer_body(tags=["vip"])
        customer_id = (await api.post("/customers", json=body)).json()["id"]
        await deliver(loyalty_app, contracts.CustomerCreated(
            customerId=customer_id, firstName="Ada", lastName="Lovelace", email=body["email"], status="active",
            emailOptIn=True, smsOptIn=False, pushOptIn=False))
        ids.append(customer_id)
    return deps, ids


async def test_award_points_through_the_loyalty_api_credits_each_member(api, customers_app, loyalty_app, loyalty_api):
    _, ids = await _vip_members(api, customers_app, loyalty_app)
    job = (await api.post("/customer-segments/vip/bulk-actions",
                          json={"action": "award_points", "points": 40, "reason": "VIP thanks"})).json()
    assert (await wait_job(api, job["id"]))["result"]["awarded"] == 3
    for customer_id in ids:
        account = (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()
        assert account["points"] == 40, account


async def test_a_rerun_without_markers_still_credits_once(api, customers_app, loyalty_app, loyalty_api):
    deps, ids = await _vip_members(api, customers_app, loyalty_app)
    job = (await api.post("/customer-segments/vip/bulk-actions",
                          json={"action": "award_points", "points": 40, "reason": "VIP thanks"})).json()
    assert (await wait_job(api, job["id"]))["result"]["awarded"] == 3
    # Lose the markers and run the whole job again: loyalty must not credit twice.
    await deps.segments.jobs.marks.delete_many({"jobId": job["id"]})
    await deps.segments.jobs.jobs.update_one({"_id": job["id"]}, {"$set": {
        "status": "queued", "cursor": None, "processed": 0, "result": {}, "runAfter": utcnow()}})
    assert (await wait_job(api, job["id"]))["result"]["awarded"] == 3
    for customer_id in ids:
        account = (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()
        assert account["points"] == 40, account
