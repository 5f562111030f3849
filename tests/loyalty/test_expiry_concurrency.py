"""Expiry racing redemptions: it takes exactly the expired, unspent part, never a point that has not expired.

Each round: an account with 500 points that expire at T and 1000 that don't, the expire-points job as of T and
N redemptions of 300 all started at once (asyncio.gather), the job at a different place among them each round.
Whatever the interleaving, the ledger must show the expiry took `min(500 - debited before it, balance before it)`.
"""
import asyncio

from asgi_lifespan import LifespanManager

from services.loyalty.app import create_app
from services.loyalty.handlers.jobs import expire_points
from tests.loyalty.support import add_points, ledger_sum, member

EXPIRING, LASTING, COST = 500, 1000, 300  # COST: the default free-shipping reward


async def _account_with_expiring_points(loyalty_api, loyalty_app):
    customer_id = await member(loyalty_app)
    await add_points(loyalty_api, customer_id, EXPIRING, "old")
    await add_points(loyalty_api, customer_id, LASTING, "newer")
    old = await loyalty_app.state.deps.ledger.collection.find_one({"customerId": customer_id, "reason": "old"})
    return customer_id, old["expiresAt"]  # at T the first credit has expired, the second (made later) not yet


async def _after(loyalty_app, round_trips: int, work):
    """Starts work after this many database round trips: staggers the redemptions and the job by real work instead
    of timed sleeps, so each round interleaves differently."""
    for _ in range(round_trips):
        await loyalty_app.state.runtime.db.command("ping")
    return await work()


async def _race(loyalty_api, loyalty_app, job_deps, job_start: int, redemptions: int, stagger: int) -> int:
    """One round; returns how many redemptions committed before the expiry (for the report)."""
    customer_id, at = await _account_with_expiring_points(loyalty_api, loyalty_app)
    def redeem():
        return loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem", json={"rewardId": "default-free-shipping"})
    calls = [_after(loyalty_app, i * stagger, redeem) for i in range(redemptions)]
    # Redemption i starts after i x stagger round trips (a redemption takes about 45), the job after job_start.
    calls.insert(len(calls) // 2, _after(loyalty_app, job_start, lambda: expire_points(job_deps, at)))
    results = await asyncio.gather(*calls)
    responses = [r for r in results if not isinstance(r, dict)]

    account = await loyalty_app.state.deps.accounts.get(customer_id)
    assert account.balance >= 0
    assert await ledger_sum(loyalty_app, customer_id) == account.balance
    assert account.credited - account.debited == account.balance
    entries = await loyalty_app.state.deps.ledger.collection.find({"customerId": customer_id}).to_list()
    expiries = [e for e in entries if e["kind"] == "expire"]
    redeemed = -sum(e["points"] for e in entries if e["kind"] == "redeem")
    assert len(expiries) <= 1
    if expiries:
        due = -expiries[0]["points"]
        before = expiries[0]["balanceAfter"] + due  # the balance the job saw, in its transaction
        spent_before, remainder = divmod(EXPIRING + LASTING - before, COST)
        assert remainder == 0, expiries[0]
        # Exactly the expired part still unspent when the job wrote, never more: the 1000 lasting points stay.
        assert due == min(EXPIRING - spent_before * COST, before) > 0, (due, before, spent_before)
    else:
        due, spent_before = 0, None
        assert redeemed >= EXPIRING  # nothing was due: the redemptions had spent every expiring point already
    won = [r for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code != 201]
    assert {r.status_code for r in refused} <= {409}
    assert {r.json()["error"]["code"] for r in refused} <= {"INSUFFICIENT_POINTS"}
    assert len(won) * COST == redeemed
    # Every redemption the points covered went through: the expiry took nothing it should not have.
    assert len(won) == min(redemptions, (EXPIRING + LASTING - due) // COST), (len(won), due)
    assert account.balance == EXPIRING + LASTING - due - redeemed
    return spent_before


# (job start, redemptions, stagger) in database round trips: from all at once to the job landing between the
# first, second, third... redemption, and the job starting while a queue of redemptions holds the account (where
# an expiry reading the account before its transaction took points that were spent meanwhile: caught 4 in 9 runs).
ROUNDS = [(0, 7, 0), (0, 2, 0), (0, 7, 50), (25, 7, 50), (75, 7, 50), (175, 7, 50), (50, 7, 100), (150, 7, 100),
          (10, 12, 20), (20, 12, 20), (0, 12, 10), (5, 12, 10), (15, 12, 10), (0, 12, 5), (30, 12, 30)]


async def test_expiry_racing_redemptions_takes_only_expired_unspent_points(loyalty_api, loyalty_app):
    seen = [await _race(loyalty_api, loyalty_app, loyalty_app.state.deps, *round_) for round_ in ROUNDS]
    print("redemptions committed before the expiry, per round:", seen)


async def test_expiry_on_another_replica_racing_redemptions(loyalty_settings, loyalty_api, loyalty_app):
    """A second replica has its own in-process locks: only the database transaction keeps the two apart."""
    second = create_app(loyalty_settings)
    async with LifespanManager(second, startup_timeout=30):
        seen = [await _race(loyalty_api, loyalty_app, second.state.deps, *round_) for round_ in ROUNDS]
    print("replica: redemptions committed before the expiry, per round:", seen)
