"""customerCount follows customers, orders and loyalty tiers as they change, and the clock for relative dates;
entering and leaving publish segment.membership.changed."""
from datetime import datetime, timedelta, timezone

from services.customers.segments.handlers.recompute import refresh_time_based
from shared.events import contracts
from shared.events.envelope import Envelope
from tests.customers.factories import customer_body
from tests.segments.helpers import count_of, deps_of, wait_ready


async def _order(api, customer_id: str, amount: float, **extra) -> dict:
    item = {"sku": "X", "name": "Thing", "quantity": 1, "unitPrice": amount}
    response = await api.post(f"/customers/{customer_id}/orders", json={"items": [item], **extra})
    assert response.status_code == 201, response.text
    return response.json()


async def _membership_events(app) -> list[tuple[str, str, str]]:
    import json
    outbox = app.state.runtime.outbox.collection
    rows = await outbox.find({"routingKey": "segment.membership.changed"}).sort("createdAt", 1).to_list()
    return [(d["data"]["segmentSlug"], d["data"]["customerId"], d["data"]["change"])
            for d in (json.loads(r["body"]) for r in rows)]


async def test_counts_follow_profile_changes_and_deletion(api, customers_app):
    await wait_ready(api, "vip")
    first = (await api.post("/customers", json=customer_body(tags=["vip"]))).json()["id"]
    second = (await api.post("/customers", json=customer_body(tags=[]))).json()["id"]
    assert await count_of(api, "vip") == 1 and await count_of(api, "new_customers") == 2
    await api.put(f"/customers/{second}", json={"tags": ["VIP"]})
    assert await count_of(api, "vip") == 2
    await api.put(f"/customers/{first}", json={"tags": ["other"]})
    assert await count_of(api, "vip") == 1
    assert (await api.delete(f"/customers/{second}")).status_code == 204
    assert await count_of(api, "vip") == 0 and await count_of(api, "new_customers") == 1
    events = await _membership_events(customers_app)
    assert [e for e in events if e[0] == "vip"] == [("vip", first, "entered"), ("vip", second, "entered"),
                                                    ("vip", first, "left"), ("vip", second, "left")]
    assert ("new_customers", second, "left") in events


async def test_counts_follow_orders_and_refunds(api):
    await api.put("/customer-segments/frequent_buyers", json={"criteria": {"totalOrders": {"min": 2}}})
    await api.put("/customer-segments/high_value", json={"query": "total_spent >= 100"})
    await wait_ready(api, "high_value")
    customer = (await api.post("/customers", json=customer_body())).json()["id"]
    first = await _order(api, customer, 60)
    assert await count_of(api, "frequent_buyers") == 0 and await count_of(api, "high_value") == 0
    await _order(api, customer, 50)
    assert await count_of(api, "frequent_buyers") == 1 and await count_of(api, "high_value") == 1
    await api.patch(f"/customers/{customer}/orders/{first['id']}", json={"status": "refunded"})
    assert await count_of(api, "frequent_buyers") == 0 and await count_of(api, "high_value") == 0


async def test_counts_follow_loyalty_tier_changes_from_events(api, customers_app):
    created = await api.post("/customer-segments",
                             json={"name": "Gold+", "query": "loyalty_tier IN (gold, platinum)"})
    assert created.status_code == 201
    customer = (await api.post("/customers", json=customer_body())).json()["id"]
    runtime = customers_app.state.runtime
    for tier, expected in (("gold", 1), ("platinum", 1), ("silver", 0)):
        await runtime.dispatch(Envelope.wrap(contracts.LoyaltyTierChanged(customerId=customer, tier=tier),
                                             source="loyalty"))
        assert await count_of(api, "gold") == expected, tier
    members = (await api.get("/customer-segments/gold/customers")).json()
    assert members["items"] == [] and members["total"] == 0


async def test_time_based_segments_follow_the_clock(api, customers_app):
    deps = deps_of(customers_app)
    await wait_ready(api, "inactive")
    buyer = (await api.post("/customers", json=customer_body())).json()["id"]
    await _order(api, buyer, 10)
    assert await count_of(api, "inactive") == 0 and await count_of(api, "new_customers") == 1
    now = datetime.now(timezone.utc)
    assert await refresh_time_based(deps, now) == 0
    assert await refresh_time_based(deps, now + timedelta(days=95)) == 2  # left new_customers, entered inactive
    assert await count_of(api, "inactive") == 1 and await count_of(api, "new_customers") == 0
    events = await _membership_events(customers_app)
    assert ("inactive", buyer, "entered") in events and ("new_customers", buyer, "left") in events
    # A purchase brings the customer back at once, without waiting for the next refresh.
    await _order(api, buyer, 10)
    assert await count_of(api, "inactive") == 0


async def test_concurrent_customers_keep_the_count_exact(api):
    import asyncio
    await wait_ready(api, "vip")
    responses = await asyncio.gather(*(api.post("/customers", json=customer_body(tags=["vip"])) for _ in range(8)))
    assert [r.status_code for r in responses] == [201] * 8
    assert await count_of(api, "vip") == 8 and await count_of(api, "new_customers") == 8
