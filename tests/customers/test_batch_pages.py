"""The batch reads behind the gateway's loaders (GET /orders, GET /activity ?customerIds=): each customer's page is
the one the old find and count per id gave, and the whole batch costs one database command whatever its size."""
import pytest
from pymongo import DESCENDING

from services.customers.store.activity import ActivityStore
from services.customers.store.orders import OrderStore
from tests.batch_reads import WINDOWS, counted_database, per_id_pages
from tests.customers.factories import customer_body

ORDERS_SORT = [("placedAt", DESCENDING), ("_id", DESCENDING)]
ACTIVITY_SORT = [("occurredAt", DESCENDING), ("_id", DESCENDING)]


async def _customer_with_orders(api, n_orders: int, *, ties: bool = True) -> str:
    """Orders of 10, 11, 12... placed a month apart; with ties, two share each month, so the window must break the
    tie the same way (by id) as the find did."""
    customer_id = (await api.post("/customers", json=customer_body())).json()["id"]
    for n in range(n_orders):
        response = await api.post(f"/customers/{customer_id}/orders", json={
            "items": [{"sku": f"S{n}", "name": "Tee", "quantity": 1, "unitPrice": 10 + n}],
            "placedAt": f"2026-0{1 + (n // 2 if ties else n)}-01T10:00:00Z"})
        assert response.status_code == 201, response.text
    return customer_id


@pytest.fixture
async def customers(api) -> dict[str, str]:
    """five orders, two, none (a profile with only its own timeline entry), and an id nobody has."""
    return {"five": await _customer_with_orders(api, 5), "two": await _customer_with_orders(api, 2),
            "none": await _customer_with_orders(api, 0), "unknown": "no-such-customer"}


@pytest.mark.parametrize("path, store, sort", [("/orders", "orders", ORDERS_SORT),
                                               ("/activity", "activity", ACTIVITY_SORT)])
async def test_each_page_is_the_one_a_find_and_a_count_per_id_gave(api, customers_app, customers, path, store,
                                                                   sort):
    ids = list(customers.values())
    collection = getattr(customers_app.state.deps, store).collection
    for limit, offset in WINDOWS:
        response = await api.get(path, params={"customerIds": ",".join(ids), "limit": limit, "offset": offset})
        assert response.status_code == 200, response.text
        pages = response.json()
        expected = await per_id_pages(collection, ids, sort, limit, offset)
        assert list(pages) == ids  # the caller's order, an empty page for the unknown id
        for customer_id in ids:
            page = pages[customer_id]
            assert (page["limit"], page["offset"]) == (limit, offset)
            assert page["total"] == expected[customer_id].total
            assert [item["id"] for item in page["items"]] == [doc["_id"] for doc in expected[customer_id].items]


async def test_the_totals_and_newest_first_order_are_each_customers_own(api, customers):
    five = await _customer_with_orders(api, 5, ties=False)
    ids = [five, customers["two"], customers["none"], customers["unknown"]]
    pages = (await api.get("/orders", params={"customerIds": ",".join(ids), "limit": 3, "offset": 1})).json()
    assert [pages[i]["total"] for i in ids] == [5, 2, 0, 0]
    # five orders of 10..14, newest first: 14, 13, 12, 11, 10; the window from the second is 13, 12, 11.
    assert [item["total"] for item in pages[five]["items"]] == [13, 12, 11]
    assert len(pages[customers["two"]]["items"]) == 1
    assert pages[customers["unknown"]] == {"items": [], "total": 0, "limit": 3, "offset": 1}
    activity = (await api.get("/activity", params={"customerIds": ",".join(ids)})).json()
    # the profile's creation, then one entry per order
    assert [activity[i]["total"] for i in ids] == [6, 3, 1, 0]


async def test_a_batch_costs_one_database_command_whatever_the_number_of_ids(api, customers_app, customers_settings,
                                                                            customers):
    many = [await _customer_with_orders(api, 1) for _ in range(12)] + list(customers.values())
    deps = customers_app.state.deps
    async with counted_database(customers_settings.mongo_url, customers_settings.mongo_database) as (db, commands):
        deps.orders, deps.activity = OrderStore(db), ActivityStore(db)
        for path in ("/orders", "/activity"):
            for ids in (many[:1], many):
                commands.clear()
                response = await api.get(path, params={"customerIds": ",".join(ids), "limit": 5})
                assert response.status_code == 200 and len(response.json()) == len(ids)
                assert commands.names == ["aggregate"], (path, len(ids), commands.names)


@pytest.mark.parametrize("path", ["/orders", "/activity"])
async def test_more_than_a_hundred_distinct_ids_is_a_validation_error_naming_the_parameter(api, path):
    response = await api.get(path, params={"customerIds": ",".join(f"c{n}" for n in range(101))})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("VALIDATION", "customerIds")
    assert "at most 100" in error["message"]
    # The same hundred ids twice over are a hundred: duplicates don't count, spaces around ids are dropped.
    repeated = ", ".join(f"c{n % 100}" for n in range(150))
    response = await api.get(path, params={"customerIds": repeated})
    assert response.status_code == 200 and list(response.json()) == [f"c{n}" for n in range(100)]
