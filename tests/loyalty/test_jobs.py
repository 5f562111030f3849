"""Scheduled jobs: claimed once per period across replicas; the quarterly tier reset and oldest-first expiry."""
import asyncio
from datetime import timedelta

from asgi_lifespan import LifespanManager

from services.loyalty.app import create_app
from services.loyalty.handlers.deps import utcnow
from services.loyalty.handlers.jobs import run_job
from tests.loyalty.support import add_points, ledger_sum, member


def _next_quarter(at):
    month = (at.month - 1) // 3 * 3 + 4
    year = at.year + (month > 12)
    return at.replace(year=year, month=(month - 1) % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0)


async def test_two_concurrent_claimers_get_one_claim(loyalty_app):
    jobs = loyalty_app.state.deps.jobs
    won = await asyncio.gather(*(jobs.claim("tier-reset", "2031-Q1", f"replica-{i}", 60) for i in range(2)))
    assert sorted(won) == [False, True]
    assert not await jobs.claim("tier-reset", "2031-Q1", "replica-3", 60)
    await jobs.complete("tier-reset", "2031-Q1", f"replica-{won.index(True)}", {})
    assert (await jobs.get("tier-reset", "2031-Q1"))["status"] == "done"


async def test_expired_lease_is_taken_over(loyalty_app):
    jobs = loyalty_app.state.deps.jobs
    assert await jobs.claim("expire-points", "2031-01-01", "crashed", 0.01)
    await asyncio.sleep(0.05)  # let the lease lapse; the claim is about wall-clock time
    assert await jobs.claim("expire-points", "2031-01-01", "survivor", 60)


async def test_two_replicas_running_the_reset_at_once_run_it_once(loyalty_settings, loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 600)
    second = create_app(loyalty_settings)  # a second replica on the same database
    async with LifespanManager(second, startup_timeout=30):
        at = _next_quarter(utcnow())
        results = await asyncio.gather(run_job(loyalty_app.state.deps, "tier-reset", at),
                                       run_job(second.state.deps, "tier-reset", at))
    assert sorted(r["ran"] for r in results) == [False, True]
    outbox = loyalty_app.state.runtime.outbox.collection
    resets = await outbox.count_documents({"routingKey": "loyalty.tier.changed",
                                           "body": {"$regex": '"previousTier":"silver"'}})
    assert resets == 1


async def test_quarterly_reset_restarts_qualification(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 600)
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["tier"] == "silver"
    account = await loyalty_app.state.deps.accounts.get(customer_id)
    at = _next_quarter(account.updated_at)
    run = await loyalty_api.post("/loyalty/jobs/tier-reset/run", json={"now": at.isoformat()})
    assert run.json()["ran"] is True and run.json()["result"] == {"accounts": 1, "tierChanges": 1}
    again = await loyalty_api.post("/loyalty/jobs/tier-reset/run", json={"now": (at + timedelta(days=3)).isoformat()})
    assert again.json()["ran"] is False  # same quarter: already done
    reset = await loyalty_app.state.deps.accounts.get(customer_id)
    assert reset.tier == "bronze" and reset.qualifying_points == 0
    assert reset.balance == 600 and reset.lifetime_points == 600  # points stay; only qualification restarts
    unknown = await loyalty_api.post("/loyalty/jobs/nope/run", json={})
    assert unknown.status_code == 404


async def test_points_expire_oldest_first(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, 500, "old")
    await add_points(loyalty_api, customer_id, 200, "newer")
    redeemed = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                      json={"rewardId": "default-free-shipping"})
    assert redeemed.status_code == 201  # 300 spent: taken from the oldest 500 first
    old = await loyalty_app.state.deps.ledger.collection.find_one({"customerId": customer_id, "reason": "old"})
    at = old["expiresAt"]  # the first credit has expired, the second (a moment later) not yet
    run = (await loyalty_api.post("/loyalty/jobs/expire-points/run", json={"now": at.isoformat()})).json()
    assert run["ran"] is True and run["result"] == {"accounts": 1, "points": 200}
    account = (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()
    assert account["points"] == 200 and await ledger_sum(loyalty_app, customer_id) == 200
    later = (await loyalty_api.post("/loyalty/jobs/expire-points/run",
                                    json={"now": (at + timedelta(days=1)).isoformat()})).json()
    assert later["result"] == {"accounts": 1, "points": 200}
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"] == 0
    kinds = [e["kind"] for e in (await loyalty_api.get(f"/customers/{customer_id}/loyalty/ledger")).json()["items"]]
    assert kinds == ["expire", "expire", "redeem", "adjust", "adjust"]
