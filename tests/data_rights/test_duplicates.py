"""duplicateCustomers in the customers service (GET /duplicates), against the real database: pairs by phone and by
similar name with the same postal code, keyset pages over a few hundred customers, merged customers left out."""
import uuid
from datetime import datetime, timezone

from services.customers.domain.search import search_fields
from services.customers.store.duplicates import DuplicateStore
from tests.batch_reads import counted_database
from tests.customers.factories import customer_body

BULK = 400  # customers of their own: no phone or name key shared


async def _customer(api, first: str, last: str, phone: str | None, zip_code: str | None) -> str:
    body = customer_body(firstName=first, lastName=last, phone=phone,
                         address={"city": "Springfield", "zipCode": zip_code} if zip_code else {})
    response = await api.post("/customers", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _bulk(customers_app) -> None:
    """Hundreds of distinct customers written as the API stores them (search fields included), in one insert."""
    now = datetime.now(timezone.utc)
    docs = []
    for n in range(BULK):
        doc = {"_id": f"bulk-{n:04d}", "firstName": f"Name{n}", "lastName": f"Family{n}",
               "email": f"bulk{n}@example.com", "emailKey": f"bulk{n}@example.com", "phone": f"+1312555{n:04d}",
               "address": {"zipCode": f"{10000 + n}"}, "status": "active", "tags": [], "registrationDate": now,
               "createdAt": now, "updatedAt": now, "totalSpentMinor": 0, "totalOrders": 0}
        docs.append({**doc, **search_fields(doc)})
    await customers_app.state.deps.customers.collection.insert_many(docs)


async def _all_pairs(api, first: int) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    pairs, after = [], None
    for _ in range(100):
        params = {"first": first, **({"after": after} if after else {})}
        response = await api.get("/duplicates", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= first
        pairs += [(tuple(p["customerIds"]), tuple(p["reasons"])) for p in page["items"]]
        after = page["nextCursor"]
        if after is None:
            return pairs
    raise AssertionError("pages never ended")


async def test_pairs_by_phone_and_by_similar_name_and_zip(api, customers_app):
    await _bulk(customers_app)
    phone_a = await _customer(api, "Grace", "Hopper", "+14155550101", "10001")
    phone_b = await _customer(api, "G.", "Murray", "+14155550101", "99999")
    phone_c = await _customer(api, "Amazing", "Grace", "+14155550101", None)
    name_a = await _customer(api, "José  María", "López", None, "62 701")
    name_b = await _customer(api, "jose maria", "LOPEZ", "+14155550177", "62701")
    name_swapped = await _customer(api, "Lopez", "Jose-Maria", None, "62701")
    other_zip = await _customer(api, "Jose Maria", "Lopez", None, "62702")
    both_a = await _customer(api, "Hedy", "Lamarr", "+442071838750", "1010")
    both_b = await _customer(api, "hedy", "lamarr", "+442071838750", "1010")

    pairs = await _all_pairs(api, first=100)
    expected = {
        tuple(sorted((phone_a, phone_b))): ("SAME_PHONE",),
        tuple(sorted((phone_a, phone_c))): ("SAME_PHONE",),
        tuple(sorted((phone_b, phone_c))): ("SAME_PHONE",),
        tuple(sorted((name_a, name_b))): ("SIMILAR_NAME_SAME_ZIP",),
        tuple(sorted((name_a, name_swapped))): ("SIMILAR_NAME_SAME_ZIP",),
        tuple(sorted((name_b, name_swapped))): ("SIMILAR_NAME_SAME_ZIP",),
        tuple(sorted((both_a, both_b))): ("SAME_PHONE", "SIMILAR_NAME_SAME_ZIP"),  # listed once, both reasons
    }
    assert dict(pairs) == expected and len(pairs) == len(expected)
    assert all(other_zip not in ids for ids, _ in pairs)  # the same name elsewhere is somebody else

    # Pages of two walk the same pairs, each once, in the same order.
    assert await _all_pairs(api, first=2) == pairs
    assert await _all_pairs(api, first=1) == pairs

    # A merged customer is in no pair any more.
    merged = await api.post("/merges", json={"keepId": phone_a, "mergeId": phone_b})
    assert merged.status_code == 200, merged.text
    after_merge = dict(await _all_pairs(api, first=100))
    assert all(phone_b not in ids for ids in after_merge) and tuple(sorted((phone_a, phone_c))) in after_merge


async def test_a_page_is_a_few_aggregations_whatever_the_number_of_customers(api, customers_app, mongo_url,
                                                                             customers_settings):
    await _bulk(customers_app)
    for n in range(30):  # thirty pairs by phone
        for _ in range(2):
            key = str(uuid.uuid4())
            await customers_app.state.deps.customers.collection.insert_one(
                {"_id": key, "emailKey": key, "firstName": "Twin", "lastName": f"{n}", "phone": f"+1212555{n:04d}"})
    async with counted_database(mongo_url, customers_settings.mongo_database) as (db, commands):
        customers_app.state.deps.duplicates = DuplicateStore(db)
        first = (await api.get("/duplicates", params={"first": 20})).json()
        assert len(first["items"]) == 20 and first["nextCursor"]
        assert commands.names == ["aggregate"]  # one grouping of the phone index for the page
        commands.clear()
        second = (await api.get("/duplicates", params={"first": 20, "after": first["nextCursor"]})).json()
        assert len(second["items"]) == 10 and second["nextCursor"] is None
        assert commands.names == ["aggregate", "aggregate"]  # the rest of the phones, then the names: none


async def test_bad_paging_input_is_refused(api):
    assert (await api.get("/duplicates", params={"first": 0})).status_code == 422
    assert (await api.get("/duplicates", params={"first": 101})).status_code == 422
    bad = await api.get("/duplicates", params={"after": "not-a-cursor"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "after"
