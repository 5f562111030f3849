"""Time-based segments change membership at the moment a customer crosses the boundary (scheduled per customer
from their own dates), not at the next sweep: with a clock the test moves, a customer whose last purchase was
89 days 23 h 59 min ago enters "no purchase in 90 days" (and leaves "bought within 90 days") one minute later, with
the events and history dated at that moment, and not a millisecond before."""
import json
from datetime import datetime, timedelta, timezone

from services.customers.segments.handlers.timers import run_due
from tests.conftest import eventually
from tests.customers.factories import customer_body
from tests.segments.clock import install
from tests.segments.helpers import count_of, deps_of, wait_ready
from tests.segments.test_insights_segments import insights


def _ms_now() -> datetime:
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


async def _events(app, customer_id: str) -> list[tuple[str, str, str | None, str | None]]:
    rows = await app.state.runtime.outbox.collection.find({"routingKey": "segment.membership.changed"}) \
        .sort("createdAt", 1).to_list()
    return [(d["segmentSlug"], d["change"], d.get("at"), d.get("cause"))
            for d in (json.loads(r["body"])["data"] for r in rows) if d["customerId"] == customer_id]


async def _buy(api, customer_id: str, placed_at: datetime) -> None:
    body = {"items": [{"sku": "X", "name": "Thing", "quantity": 1, "unitPrice": 10}],
            "placedAt": placed_at.isoformat().replace("+00:00", "Z")}
    response = await api.post(f"/customers/{customer_id}/orders", json=body)
    assert response.status_code == 201, response.text


async def _members(api, slug: str) -> list[str]:
    return [c["id"] for c in (await api.get(f"/customer-segments/{slug}/customers")).json()["items"]]


async def test_a_customer_enters_and_leaves_at_the_boundary_not_before(api, customers_app):
    deps = deps_of(customers_app)
    recent = await api.post("/customer-segments", json={"name": "Bought lately", "query": "last_purchase >= -90d"})
    assert recent.status_code == 201
    for slug in ("inactive", "bought_lately"):
        await wait_ready(api, slug)
    start = _ms_now()
    clock = install(deps, start)
    customer = (await api.post("/customers", json=customer_body())).json()["id"]
    last_purchase = start - timedelta(days=89, hours=23, minutes=59)
    await _buy(api, customer, last_purchase)
    boundary = last_purchase + timedelta(days=90)  # one minute after `start`
    assert await _members(api, "bought_lately") == [customer] and await _members(api, "inactive") == []

    # The timer is due exactly at this customer's boundary; a millisecond before it nothing has changed.
    clock.set(boundary - timedelta(milliseconds=1))
    assert await run_due(deps, "test") == boundary
    clock.set(boundary)  # at the boundary itself the purchase is exactly 90 days old: still "within 90 days"
    assert await run_due(deps, "test") == boundary
    assert await _members(api, "inactive") == [] and await _members(api, "bought_lately") == [customer]
    assert [e for e in await _events(customers_app, customer) if e[3] == "clock"] == []

    # Past it, the background timer (woken by the clock, no sweep) moves the customer, dated at the boundary.
    clock.advance(timedelta(seconds=1))

    async def moved() -> bool:  # each segment is applied in its own transaction, one after the other
        return await _members(api, "inactive") == [customer] and await _members(api, "bought_lately") == []

    await eventually(moved, 10, "the timer to move the customer")
    assert await count_of(api, "inactive") == 1 and await count_of(api, "bought_lately") == 0
    at = boundary.isoformat().replace("+00:00", "Z")
    events = [e for e in await _events(customers_app, customer) if e[3] == "clock"]
    assert sorted(events) == [("bought_lately", "left", at, "clock"), ("inactive", "entered", at, "clock")]

    changes = (await api.get("/customer-segments/inactive/changes")).json()["items"]
    assert [(c["customerId"], c["change"], c["at"], c["clause"], c["cause"]) for c in changes] == [
        (customer, "entered", at, "last_purchase < -90d", "clock")]
    left = (await api.get("/customer-segments/bought_lately/changes")).json()["items"]
    assert [(c["change"], c["at"], c["clause"]) for c in left[:1]] == [("left", at, "last_purchase >= -90d")]

    # A new purchase brings them back at once (the real-time path), and the timer looks to the next boundary.
    await _buy(api, customer, boundary + timedelta(seconds=1))
    assert await _members(api, "inactive") == [] and await _members(api, "bought_lately") == [customer]


async def _eventually_members(api, slug: str, expected: list[str]) -> None:
    async def check() -> bool:
        return sorted(await _members(api, slug)) == expected

    await eventually(check, 10, f"{slug} members {expected}")


async def test_the_next_wake_up_is_the_earliest_boundary_of_any_customer(api, customers_app):
    deps = deps_of(customers_app)
    created = await api.post("/customer-segments", json={"name": "Lapsed", "query": "last_purchase < -30d"})
    assert created.status_code == 201
    await wait_ready(api, "lapsed")
    start = _ms_now()
    clock = install(deps, start)
    first, second = [(await api.post("/customers", json=customer_body())).json()["id"] for _ in range(2)]
    await _buy(api, first, start - timedelta(days=29, hours=12))
    await _buy(api, second, start - timedelta(days=29, hours=18))
    assert await run_due(deps, "test") == start + timedelta(hours=6)  # the second customer's boundary first
    clock.set(start + timedelta(hours=7))  # the background timer wakes too: whichever holds the lease moves them
    await _eventually_members(api, "lapsed", [second])
    assert await run_due(deps, "test") == start + timedelta(hours=12)  # then the first's
    clock.set(start + timedelta(hours=12, seconds=1))
    await _eventually_members(api, "lapsed", sorted([first, second]))
    # The history dates each at their own boundary, although one run moved the second one hour late.
    changes = (await api.get("/customer-segments/lapsed/changes")).json()["items"]
    assert [(c["customerId"], c["at"]) for c in changes] == [
        (first, (start + timedelta(hours=12)).isoformat().replace("+00:00", "Z")),
        (second, (start + timedelta(hours=6)).isoformat().replace("+00:00", "Z"))]


async def test_an_expected_order_turns_overdue_at_its_date(api, customers_app):
    deps = deps_of(customers_app)
    created = await api.post("/customer-segments", json={"name": "Overdue", "query": "expected_next_order_at < now"})
    assert created.status_code == 201 and created.json()["timeBased"]
    await wait_ready(api, "overdue")
    start = _ms_now()
    clock = install(deps, start)
    customer = (await api.post("/customers", json=customer_body())).json()["id"]
    expected = start + timedelta(minutes=5)
    # The insights wing's write (set directly here), then its call to segments.
    figures = {**insights("Loyal", 0.2, 10_000, 20_000), "expectedNextOrderAt": expected}
    await deps.segments.store.customers.update_one({"_id": customer}, {"$set": {"insights": figures}})
    from services.customers.segments.handlers.membership import insights_changed
    assert await insights_changed(deps, [customer]) == 0  # not overdue yet
    assert await run_due(deps, "test") == expected
    clock.set(expected + timedelta(milliseconds=2))
    await _eventually_members(api, "overdue", [customer])
    [change] = (await api.get("/customer-segments/overdue/changes")).json()["items"]
    assert (change["at"], change["clause"], change["cause"]) == (expected.isoformat().replace("+00:00", "Z"),
                                                                 "expected_next_order_at < now", "clock")
