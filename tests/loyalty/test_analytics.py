"""Program analytics: members per tier, points issued, redeemed, expired and outstanding, top rewards, by period."""
from tests.loyalty.support import add_points, deliver, member, order_paid, order_refunded


async def test_analytics_follow_the_ledger(loyalty_api, loyalty_app):
    silver, bronze = await member(loyalty_app), await member(loyalty_app)
    await add_points(loyalty_api, silver, 600)
    order = order_paid(bronze, 45_000)  # 450 points
    await deliver(loyalty_app, order)
    for customer_id in (silver, silver, bronze):
        response = await loyalty_api.post(f"/customers/{customer_id}/loyalty/redeem",
                                          json={"rewardId": "default-free-shipping"})
        assert response.status_code == 201
    await deliver(loyalty_app, order_refunded(bronze, order.order_id, 45_000))  # 150 left to claw, 300 short

    report = (await loyalty_api.get("/loyalty-programs/default/analytics")).json()
    assert report["membersPerTier"] == {"bronze": 1, "silver": 1, "gold": 0, "platinum": 0}
    assert report["pointsIssued"] == 1050 and report["pointsRedeemed"] == 900
    assert report["pointsClawedBack"] == 150 and report["clawbackShortfall"] == 300
    assert report["pointsExpired"] == 0 and report["pointsOutstanding"] == 0
    assert report["redemptionRate"] == round(900 / 1050, 4)
    assert report["topRewards"] == [{"rewardId": "default-free-shipping", "name": "Free shipping",
                                     "redemptions": 3, "points": 900}]
    assert len(report["periods"]) == 1 and report["periods"][0]["issued"] == 1050
    assert report["periods"][0]["period"].startswith("20") and "-Q" in report["periods"][0]["period"]

    empty = (await loyalty_api.get("/loyalty-programs/default/analytics?from=2099-01-01T00:00:00Z")).json()
    assert empty["pointsIssued"] == 0 and empty["topRewards"] == [] and empty["periods"] == []
    assert (await loyalty_api.get("/loyalty-programs/missing/analytics")).status_code == 404
    bad = await loyalty_api.get("/loyalty-programs/default/analytics?from=yesterday")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "from"
