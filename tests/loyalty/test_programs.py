"""Programs: the default program, create/update/read with every field, and the one-active-program rule."""
import asyncio
from contextlib import AsyncExitStack

from asgi_lifespan import LifespanManager

from services.loyalty.app import create_app

SPRING = {"name": "Spring 2031", "description": "A quarter of double points", "type": "quarterly",
          "startDate": "2031-04-01T00:00:00Z", "endDate": "2031-07-01T00:00:00Z", "pointsPerUnit": 2,
          "tiers": [{"name": "bronze", "minPoints": 0, "benefits": ["Welcome gift"]},
                    {"name": "gold", "minPoints": 1000, "multiplier": 1.75, "benefits": ["Free shipping"]}],
          "rewards": [{"id": "spring-15", "name": "15% off", "type": "percent_discount", "pointsCost": 800,
                       "value": 15},
                      {"name": "Cashback", "type": "cashback", "pointsCost": 500, "value": 5.5, "stock": 20}]}


async def test_fresh_system_has_the_default_program(loyalty_api):
    listing = (await loyalty_api.get("/loyalty-programs")).json()
    assert listing["total"] == 1
    program = listing["items"][0]
    assert program["isActive"] and program["type"] == "quarterly" and program["isDefault"]
    assert [(t["name"], t["minPoints"], t["multiplier"]) for t in program["tiers"]] == [
        ("bronze", 0, 1.0), ("silver", 500, 1.25), ("gold", 1500, 1.5), ("platinum", 5000, 2.0)]
    assert all(t["benefits"] for t in program["tiers"])


async def test_two_replicas_starting_together_create_one_default(loyalty_settings):
    async with AsyncExitStack() as stack:
        apps = [create_app(loyalty_settings) for _ in range(3)]
        await asyncio.gather(*(stack.enter_async_context(LifespanManager(a, startup_timeout=30)) for a in apps))
        assert await apps[0].state.deps.programs.collection.count_documents({}) == 1


async def test_create_update_and_read_a_program(loyalty_api):
    overlap = await loyalty_api.post("/loyalty-programs", json=SPRING)
    assert overlap.status_code == 409 and overlap.json()["error"]["code"] == "CONFLICT"
    # The default is open-ended; end it before the new program starts, then the new one fits.
    await loyalty_api.put("/loyalty-programs/default", json={"endDate": "2031-04-01T00:00:00Z"})
    created = await loyalty_api.post("/loyalty-programs", json=SPRING)
    assert created.status_code == 201, created.text
    program = created.json()
    assert program["tiers"][1] == {"name": "gold", "minPoints": 1000, "multiplier": 1.75,
                                   "benefits": ["Free shipping"]}
    cashback = program["rewards"][1]
    assert cashback["value"] == 5.5 and cashback["stock"] == 20 and cashback["stockRemaining"] == 20
    assert program["rewards"][0]["value"] == 15 and program["pointsPerUnit"] == 2
    assert program["startDate"].startswith("2031-04-01T00:00:00")

    sent = {k: v for k, v in cashback.items() if k != "stockRemaining"} | {"stock": 25, "value": 6}
    updated = await loyalty_api.put(f"/loyalty-programs/{program['id']}", json={
        "name": "Spring 2031 (extended)", "rewards": [sent]})
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == "Spring 2031 (extended)"
    assert updated.json()["rewards"] == [{**cashback, "stock": 25, "stockRemaining": 25, "value": 6.0}]
    fetched = (await loyalty_api.get(f"/loyalty-programs/{program['id']}")).json()
    assert fetched["description"] == "A quarter of double points" and len(fetched["rewards"]) == 1
    assert (await loyalty_api.get("/loyalty-programs")).json()["total"] == 2


async def test_update_that_would_break_the_rules_changes_nothing(loyalty_api):
    before = (await loyalty_api.get("/loyalty-programs/default")).json()
    bad = await loyalty_api.put("/loyalty-programs/default", json={"endDate": "2019-01-01T00:00:00Z"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "endDate"
    unknown_field = await loyalty_api.put("/loyalty-programs/default", json={"colour": "red"})
    assert unknown_field.status_code == 422 and unknown_field.json()["error"]["field"] == "colour"
    assert (await loyalty_api.get("/loyalty-programs/default")).json() == before
