"""History is never rewritten: deleting (or erasing) a customer keeps their ledger, redemptions and account
(marked deleted), and the program's analytics read exactly the same before and after."""
from datetime import timedelta

import pytest

from services.loyalty.handlers.deps import utcnow
from shared.events import contracts
from tests.loyalty.support import add_points, deliver, items_returned, member, order_paid


def _deleted(customer_id: str) -> contracts.CustomerDeleted:
    return contracts.CustomerDeleted(customerId=customer_id)


def _erased(customer_id: str) -> contracts.CustomerErased:
    return contracts.CustomerErased(customerId=customer_id, reason="request", erasedAt=utcnow(), emailHash="ab" * 32)


@pytest.mark.parametrize("gone", [_deleted, _erased], ids=["deleted", "erased"])
async def test_analytics_read_the_same_before_and_after_a_delete(loyalty_api, loyalty_app, gone):
    leaving, staying = await member(loyalty_app), await member(loyalty_app)
    order = order_paid(leaving, 400_00)
    await deliver(loyalty_app, order)  # 400
    await deliver(loyalty_app, order_paid(staying, 250_00))  # 250
    await add_points(loyalty_api, leaving, 350, "Apology")
    spent = await loyalty_api.post(f"/customers/{leaving}/loyalty/redeem", json={"rewardId": "default-free-shipping"})
    assert spent.status_code == 201  # 750 - 300 = 450
    await deliver(loyalty_app, items_returned(order, 100_00))  # floor(400 x 100/400) = 100 back: 350
    expiry = await loyalty_api.post("/loyalty/jobs/expire-points/run",
                                    json={"now": (utcnow() + timedelta(days=400)).isoformat()})
    assert expiry.json()["result"] == {"accounts": 2, "points": 600}  # 350 and 250 lapse
    await add_points(loyalty_api, leaving, 40, "After the expiry")

    analytics = "/loyalty-programs/default/analytics"
    before = (await loyalty_api.get(analytics)).json()
    assert (before["pointsIssued"], before["pointsRedeemed"], before["pointsExpired"], before["pointsClawedBack"],
            before["pointsOutstanding"]) == (1040, 300, 600, 100, 40)
    redemptions = loyalty_app.state.deps.redemptions.collection
    ledger = loyalty_app.state.deps.ledger.collection
    kept = (await ledger.count_documents({"customerId": leaving}),
            await redemptions.count_documents({"customerId": leaving}))

    await deliver(loyalty_app, gone(leaving))

    assert (await loyalty_api.get(analytics)).json() == before
    assert (await ledger.count_documents({"customerId": leaving}),
            await redemptions.count_documents({"customerId": leaving})) == kept == (6, 1)
    account = await loyalty_app.state.deps.accounts.get(leaving)
    assert account.deleted is True and account.balance == 40
    assert (await loyalty_api.get(f"/customers/{leaving}/loyalty")).status_code == 404
