"""GET /messages?customerIds= (the gateway's Customer.messages loader): each customer's page is the one the old
find and count per id gave, in one database command for the whole batch.

The messages are written straight into the service's database as sending writes them (one per campaign and
recipient): what is under test is the read, and sending enough campaigns to give customers 0 to 6 messages each
would take a minute."""
from datetime import datetime, timedelta, timezone

import pytest
from pymongo import DESCENDING

from services.campaigns.store.messages import MessageStore
from tests.batch_reads import WINDOWS, counted_database, per_id_pages

SORT = [("createdAt", DESCENDING), ("_id", DESCENDING)]
START = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _message(campaign: int, customer_id: str) -> dict:
    # Two campaigns share each day, so the window has ties on createdAt to break by id, as the find did.
    return {"_id": f"camp-{campaign}:{customer_id}", "campaignId": f"camp-{campaign}",
            "campaignName": f"Campaign {campaign}", "customerId": customer_id, "channel": "email",
            "to": f"{customer_id}@example.com", "status": "sent", "reason": None, "attempts": 1,
            "createdAt": START + timedelta(days=campaign // 2), "sentAt": START + timedelta(days=campaign // 2),
            "openedAt": None, "clickedAt": None, "unsubscribedAt": None}


@pytest.fixture
async def customers(campaigns_app) -> dict[str, str]:
    """six messages, two, none; and twenty customers of one message each for the command count."""
    counts = {"six": 6, "two": 2, **{f"one-{n}": 1 for n in range(20)}}
    docs = [_message(campaign, customer) for customer, count in counts.items() for campaign in range(count)]
    await campaigns_app.state.deps.messages.collection.insert_many(docs)
    return {"six": "six", "two": "two", "none": "never-messaged"}


async def test_each_page_is_the_one_a_find_and_a_count_per_id_gave(campaigns_api, campaigns_app, customers):
    ids = list(customers.values())
    for limit, offset in WINDOWS:
        response = await campaigns_api.get("/messages", params={"customerIds": ",".join(ids), "limit": limit,
                                                                "offset": offset})
        assert response.status_code == 200, response.text
        pages = response.json()
        expected = await per_id_pages(campaigns_app.state.deps.messages.collection, ids, SORT, limit, offset)
        assert list(pages) == ids
        for customer_id in ids:
            page = pages[customer_id]
            assert (page["total"], page["limit"], page["offset"]) == (expected[customer_id].total, limit, offset)
            assert [m["id"] for m in page["items"]] == [doc["_id"] for doc in expected[customer_id].items]


async def test_the_batch_answers_each_customers_own_messages_newest_first(campaigns_api, customers):
    pages = (await campaigns_api.get("/messages", params={"customerIds": "six,two,never-messaged", "limit": 2,
                                                          "offset": 2})).json()
    assert [pages[c]["total"] for c in ("six", "two", "never-messaged")] == [6, 2, 0]
    # six campaigns over three days, newest day first: campaigns 4 and 5, then 2 and 3 (ties broken by id, newest
    # id first), then 0 and 1; the window from the third is day two's pair.
    assert [m["campaignId"] for m in pages["six"]["items"]] == ["camp-3", "camp-2"]
    assert pages["six"]["items"][0] | {"createdAt": None, "sentAt": None} == {
        "id": "camp-3:six", "campaignId": "camp-3", "campaignName": "Campaign 3", "customerId": "six",
        "channel": "email", "to": "six@example.com", "status": "sent", "reason": None, "attempts": 1,
        "createdAt": None, "sentAt": None, "deliveredAt": None, "openedAt": None, "clickedAt": None,
        "unsubscribedAt": None}
    assert pages["two"]["items"] == [] and pages["never-messaged"] == {"items": [], "total": 0, "limit": 2,
                                                                       "offset": 2}


async def test_a_messages_batch_costs_one_database_command_whatever_the_number_of_ids(
        campaigns_api, campaigns_app, campaigns_settings, customers):
    many = [f"one-{n}" for n in range(20)] + list(customers.values())
    async with counted_database(campaigns_settings.mongo_url, campaigns_settings.mongo_database) as (db, commands):
        campaigns_app.state.deps.messages = MessageStore(db)
        for ids in (many[:1], many):
            commands.clear()
            response = await campaigns_api.get("/messages", params={"customerIds": ",".join(ids)})
            assert response.status_code == 200
            totals = {"six": 6, "two": 2, "never-messaged": 0}
            assert [page["total"] for page in response.json().values()] == [totals.get(i, 1) for i in ids]
            assert commands.names == ["aggregate"], (len(ids), commands.names)


async def test_more_than_a_hundred_distinct_ids_is_a_validation_error_naming_the_parameter(campaigns_api):
    response = await campaigns_api.get("/messages", params={"customerIds": ",".join(f"c{n}" for n in range(101))})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "customerIds"
    assert "at most 100" in response.json()["error"]["message"]
