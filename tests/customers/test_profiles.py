"""Customer profiles through the REST API, against the real database."""
from tests.customers.factories import customer_body, order_body


async def test_create_then_read_keeps_every_field(api):
    body = customer_body()
    created = (await api.post("/customers", json=body)).json()
    fetched = (await api.get(f"/customers/{created['id']}")).json()
    assert fetched["email"] == body["email"]
    assert fetched["address"]["zipCode"] == "62701"
    assert fetched["preferences"]["brands"] == ["Joantees"]
    assert fetched["communication"] == {"email": True, "sms": True, "push": False}
    assert fetched["tags"] == ["newsletter", "vip"]
    assert fetched["loyaltyTier"] == "bronze" and fetched["loyaltyPoints"] == 0
    assert fetched["totalSpent"] == 0 and fetched["averageOrderValue"] == 0
    assert fetched["status"] == "active"


async def test_partial_update_changes_only_what_was_sent(api):
    created = (await api.post("/customers", json=customer_body())).json()
    response = await api.put(f"/customers/{created['id']}", json={"lastName": "Byron", "notes": None})
    assert response.status_code == 200
    updated = response.json()
    assert updated["lastName"] == "Byron"
    assert updated["firstName"] == "Ada"
    assert updated["notes"] is None
    assert updated["phone"] == "+14155550123"


async def test_delete_erases_the_customer(api, customers_app):
    """A delete is an erasure (docs/data-rights.md): the profile answers 410 GONE, its orders stay."""
    created = (await api.post("/customers", json=customer_body())).json()
    assert (await api.post(f"/customers/{created['id']}/orders", json=order_body())).status_code == 201
    assert (await api.delete(f"/customers/{created['id']}")).status_code == 204
    gone = await api.get(f"/customers/{created['id']}")
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "GONE"
    assert gone.json()["error"]["details"][0]["erasedAt"]
    assert (await api.delete(f"/customers/{created['id']}")).status_code == 204  # again: a no-op
    orders = customers_app.state.deps.orders.collection
    assert await orders.count_documents({"customerId": created["id"]}) == 1  # revenue history is not rewritten
    assert (await api.delete("/customers/nobody")).status_code == 404


async def test_list_filters_sorts_and_pages(api):
    for i, (status, tags) in enumerate([("active", ["vip"]), ("inactive", ["vip"]), ("active", [])]):
        await api.post("/customers", json=customer_body(firstName=f"Cus{i}", status=status, tags=tags,
                                                        email=f"list{i}@example.com"))
    vip_active = (await api.get("/customers", params={"status": "active", "tags": "vip"})).json()
    assert [c["firstName"] for c in vip_active["items"]] == ["Cus0"]
    by_name = (await api.get("/customers", params={"sort": "firstName", "order": "asc", "limit": 2})).json()
    assert [c["firstName"] for c in by_name["items"]] == ["Cus0", "Cus1"]
    assert by_name["total"] == 3
    second_page = (await api.get("/customers", params={"sort": "firstName", "order": "asc", "limit": 2,
                                                       "offset": 2})).json()
    assert [c["firstName"] for c in second_page["items"]] == ["Cus2"]
    found = (await api.get("/customers", params={"q": "LIST1@"})).json()
    assert [c["firstName"] for c in found["items"]] == ["Cus1"]
    several = (await api.get("/customers", params={"status": "active,inactive"})).json()
    assert several["total"] == 3
