"""GET /loyalty/ledger?customerIds= (the gateway's ledger loader): each customer's page is the one the old find and
count per id gave, in one database command for the whole batch; GET /loyalty/accounts takes the same id list."""
import pytest
from pymongo import DESCENDING

from services.loyalty.store.ledger import LedgerStore
from tests.batch_reads import WINDOWS, counted_database, per_id_pages
from tests.loyalty.support import add_points, member

SORT = [("createdAt", DESCENDING), ("_id", DESCENDING)]


async def _member_with_entries(loyalty_api, loyalty_app, points: list[int]) -> str:
    customer_id = await member(loyalty_app)
    for n, amount in enumerate(points):
        await add_points(loyalty_api, customer_id, amount, f"bonus {n}")
    return customer_id


@pytest.fixture
async def members(loyalty_api, loyalty_app) -> dict[str, str]:
    """four entries, one, a member with none, an id loyalty never heard of."""
    return {"four": await _member_with_entries(loyalty_api, loyalty_app, [10, 20, 30, 40]),
            "one": await _member_with_entries(loyalty_api, loyalty_app, [5]),
            "none": await member(loyalty_app), "unknown": "no-such-customer"}


async def test_each_ledger_page_is_the_one_a_find_and_a_count_per_id_gave(loyalty_api, loyalty_app, members):
    ids = list(members.values())
    for limit, offset in WINDOWS:
        response = await loyalty_api.get("/loyalty/ledger", params={"customerIds": ",".join(ids), "limit": limit,
                                                                    "offset": offset})
        assert response.status_code == 200, response.text
        pages = response.json()
        expected = await per_id_pages(loyalty_app.state.deps.ledger.collection, ids, SORT, limit, offset)
        assert list(pages) == ids
        for customer_id in ids:
            page = pages[customer_id]
            assert (page["total"], page["limit"], page["offset"]) == (expected[customer_id].total, limit, offset)
            assert [entry["id"] for entry in page["items"]] == [doc["_id"] for doc in expected[customer_id].items]


async def test_the_batch_answers_each_members_own_entries_newest_first(loyalty_api, members):
    ids = list(members.values())
    pages = (await loyalty_api.get("/loyalty/ledger", params={"customerIds": ",".join(ids), "limit": 2,
                                                              "offset": 1})).json()
    assert [pages[i]["total"] for i in ids] == [4, 1, 0, 0]
    assert len(pages[members["four"]]["items"]) == 2
    # windows of one, walked to the end, give back each of the member's four entries once, newest first
    walked = []
    for offset in range(4):
        window = (await loyalty_api.get("/loyalty/ledger", params={"customerIds": ",".join(ids), "limit": 1,
                                                                   "offset": offset})).json()[members["four"]]
        walked += window["items"]
    assert sorted((e["reason"], e["points"]) for e in walked) == [("bonus 0", 10), ("bonus 1", 20), ("bonus 2", 30),
                                                                  ("bonus 3", 40)]
    assert {e["customerId"] for e in walked} == {members["four"]}
    assert [e["createdAt"] for e in walked] == sorted((e["createdAt"] for e in walked), reverse=True)
    assert pages[members["one"]]["items"] == [] and pages[members["unknown"]]["items"] == []
    # the single-customer route answers the same page, item for item
    single = (await loyalty_api.get(f"/customers/{members['four']}/loyalty/ledger?limit=2&offset=1")).json()
    assert single == pages[members["four"]]


async def test_a_ledger_batch_costs_one_database_command_whatever_the_number_of_ids(
        loyalty_api, loyalty_app, loyalty_settings, members):
    many = [await _member_with_entries(loyalty_api, loyalty_app, [1]) for _ in range(10)] + list(members.values())
    async with counted_database(loyalty_settings.mongo_url, loyalty_settings.mongo_database) as (db, commands):
        loyalty_app.state.deps.ledger = LedgerStore(db)
        for ids in (many[:1], many):
            commands.clear()
            response = await loyalty_api.get("/loyalty/ledger", params={"customerIds": ",".join(ids)})
            assert response.status_code == 200 and len(response.json()) == len(ids)
            assert commands.names == ["aggregate"], (len(ids), commands.names)


@pytest.mark.parametrize("path", ["/loyalty/ledger", "/loyalty/accounts"])
async def test_more_than_a_hundred_distinct_ids_is_a_validation_error_naming_the_parameter(loyalty_api, path):
    response = await loyalty_api.get(path, params={"customerIds": ",".join(f"c{n}" for n in range(101))})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "customerIds"
    assert "at most 100" in response.json()["error"]["message"]
