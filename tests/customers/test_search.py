"""Customer search (`GET /customers?q=`): prefixes of name words, email and phone digits, served by an index."""
import uuid
from datetime import datetime, timezone

import pytest

from services.customers.domain.queries import CustomerQuery
from services.customers.domain.search import SEARCH_VERSION
from services.customers.store.customer_filters import compile_filter
from services.customers.store.search_backfill import backfill_search_fields
from tests.customers.factories import customer_body


async def _create(api, **fields) -> dict:
    response = await api.post("/customers", json=customer_body(**fields))
    assert response.status_code == 201, response.text
    return response.json()


async def _found(api, q: str, **params) -> set[str]:
    response = await api.get("/customers", params={"q": q, "limit": 100, **params})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return {c["lastName"] for c in page["items"]}


@pytest.fixture
async def people(api) -> dict[str, dict]:
    bodies = [
        dict(firstName="Ada", lastName="Lovelace", email="ada.lovelace@example.com", phone="+14155550123"),
        dict(firstName="Adam", lastName="Smith-Jones", email="adam@shop.example.net", phone="+442079460958"),
        dict(firstName="José", lastName="Álvarez", email="jose@example.org", phone=None, status="inactive"),
        dict(firstName="Grace", lastName="Hopper", email="g.hopper@navy.example.org", phone="+14155550199",
             tags=["navy"]),
    ]
    return {b["lastName"]: await _create(api, **b) for b in bodies}


async def test_name_prefixes_match_any_name_word_in_any_case(api, people):
    assert await _found(api, "ada") == {"Lovelace", "Smith-Jones"}
    assert await _found(api, "ADA ") == {"Lovelace", "Smith-Jones"}
    assert await _found(api, "Lovel") == {"Lovelace"}
    assert await _found(api, "jones") == {"Smith-Jones"}  # each part of a hyphenated name is a word
    assert await _found(api, "velace") == set()  # a prefix, not any substring


async def test_several_words_must_each_begin_a_key(api, people):
    assert await _found(api, "ada love") == {"Lovelace"}
    assert await _found(api, "lovelace ada") == {"Lovelace"}
    assert await _found(api, "Ada Lovelace") == {"Lovelace"}
    assert await _found(api, "ada hopper") == set()
    assert await _found(api, "grace navy") == set()  # the email's domain is no key: it is not a word start
    assert await _found(api, "grace g.hop") == {"Hopper"}


async def test_accents_do_not_matter(api, people):
    assert await _found(api, "jose alv") == {"Álvarez"}
    assert await _found(api, "ÁLVAREZ") == {"Álvarez"}


async def test_email_prefixes(api, people):
    assert await _found(api, "ada.l") == {"Lovelace"}
    assert await _found(api, "ADA.LOVELACE@EXAMPLE.COM") == {"Lovelace"}  # longer than the index's prefixes
    assert await _found(api, "adam@") == {"Smith-Jones"}
    assert await _found(api, "ada.lovelace@example.co") == {"Lovelace"}
    assert await _found(api, "ada.lovelace@example.net") == set()


async def test_phone_numbers_in_any_format(api, people):
    for q in ["+14155550123", "+1 415 555 0123", "1415555012", "(415) 555-0123", "415.555.012", "415555012"]:
        assert await _found(api, q) == {"Lovelace"}, q
    assert await _found(api, "415 555") == {"Lovelace", "Hopper"}
    assert await _found(api, "+44 20 7946") == {"Smith-Jones"}
    assert await _found(api, "020 7946 0958") == {"Smith-Jones"}  # national form with its trunk 0
    assert await _found(api, "555 0123") == set()  # digits count from the number's start


async def test_special_characters_are_text_not_patterns(api, people):
    for q in ["a.*", ".*", "ada.*", "(", "[a-z]", "ada .*", "^ada", "a|g", "\\"]:
        response = await api.get("/customers", params={"q": q})
        assert response.status_code == 200, (q, response.text)
        assert response.json()["total"] == 0, q
    await _create(api, firstName="a.*b", lastName="Star", email="star@example.com")
    assert await _found(api, "a.*") == {"Star"}
    assert await _found(api, "a.* star") == {"Star"}


async def test_search_combines_with_filters_paging_and_totals(api, people):
    assert await _found(api, "ada", status="active") == {"Lovelace", "Smith-Jones"}
    assert await _found(api, "jose", status="active") == set()
    assert await _found(api, "jose", status="inactive") == {"Álvarez"}
    assert await _found(api, "415", tags="navy") == {"Hopper"}
    page = (await api.get("/customers", params={"q": "ada", "limit": 1, "sort": "lastName", "order": "asc"})).json()
    assert page["total"] == 2
    assert [c["lastName"] for c in page["items"]] == ["Lovelace"]
    ids = [people["Lovelace"]["id"], people["Hopper"]["id"]]
    assert await _found(api, "ada", ids=",".join(ids)) == {"Lovelace"}


async def test_updates_change_what_a_customer_is_found_by(api, people):
    ada = people["Lovelace"]["id"]
    response = await api.put(f"/customers/{ada}", json={"lastName": "Byron", "phone": None})
    assert response.status_code == 200, response.text
    assert await _found(api, "lovelace") == set()
    assert await _found(api, "byron ada") == {"Byron"}
    assert await _found(api, "4155550123") == set()
    response = await api.put(f"/customers/{ada}", json={"email": "countess@example.com"})
    assert await _found(api, "countess") == {"Byron"}
    assert await _found(api, "ada.lovelace") == set()


async def test_customers_stored_before_search_are_backfilled_once(api, customers_app):
    store, now = customers_app.state.deps.customers, datetime.now(timezone.utc)
    legacy = [{"_id": str(uuid.uuid4()), "firstName": "Old", "lastName": f"Timer{i}", "email": f"old{i}@example.com",
               "emailKey": f"old{i}@example.com", "phone": "+14155550142", "status": "active",
               "searchText": f"old timer{i} old{i}@example.com +14155550142", "registrationDate": now, "createdAt": now,
               "updatedAt": now} for i in range(7)]
    await store.collection.insert_many(legacy)
    assert await _found(api, "old") == set()

    assert await backfill_search_fields(store.collection, batch_size=3) == 7
    assert await _found(api, "old timer3") == {"Timer3"}
    assert len(await _found(api, "(415) 555-0142")) == 7
    assert await backfill_search_fields(store.collection, batch_size=3) == 0  # nothing left to do

    await store.collection.update_many({}, {"$set": {"searchVersion": SEARCH_VERSION - 1}})
    await store.ensure_indexes()  # what every start does
    assert await store.collection.count_documents({"searchVersion": SEARCH_VERSION}) == 7
    assert await _found(api, "timer6") == {"Timer6"}


async def _winning_plan(collection, mongo_filter: dict) -> dict:
    explained = await collection.database.command("explain", {"find": collection.name, "filter": mongo_filter},
                                                  verbosity="queryPlanner")
    return explained["queryPlanner"]["winningPlan"]


async def test_a_search_is_an_index_scan(api, people, customers_app):
    collection = customers_app.state.deps.customers.collection
    for q in ["ada", "Lovelace", "ada.lovelace@ex", "+1 415 555"]:
        mongo_filter = compile_filter(CustomerQuery(q=q))
        assert list(mongo_filter) == ["searchPrefixes"], mongo_filter
        plan = await _winning_plan(collection, mongo_filter)
        scan = plan.get("inputStage", plan)
        assert scan["stage"] == "IXSCAN" and scan["keyPattern"] == {"searchPrefixes": 1}, (q, plan)
    # Several words, or a word longer than the index's prefixes, add a check on searchText; SecantusDB's explain
    # reports COLLSCAN for any filter of two fields but runs it on the first one an index serves, so the search
    # clause must come first, ahead of the other filters.
    mongo_filter = compile_filter(CustomerQuery(q="ada love", status=["active"], tier=["gold"]))
    assert list(mongo_filter)[:2] == ["searchPrefixes", "searchText"]
    assert mongo_filter["searchPrefixes"] == "love"
    plan = await _winning_plan(collection, {"searchPrefixes": mongo_filter["searchPrefixes"]})
    assert plan.get("inputStage", plan)["stage"] == "IXSCAN"
