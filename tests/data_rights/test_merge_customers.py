"""mergeCustomers in the customers service, against the real database and broker: orders, timeline, profile rule,
totals recomputed, the tombstone answering the merged id, and the refusals."""
import uuid

from tests.customers.factories import customer_body, order_body


async def _customer(api, **overrides) -> dict:
    response = await api.post("/customers", json=customer_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def _order(api, customer_id: str, **overrides) -> dict:
    response = await api.post(f"/customers/{customer_id}/orders", json=order_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def _merge(api, keep_id: str, merge_id: str):
    return await api.post("/merges", json={"keepId": keep_id, "mergeId": merge_id})


async def test_merge_moves_orders_and_timeline_and_recomputes_totals(api):
    kept = await _customer(api, phone=None, address={}, tags=["vip"], notes="Kept note", dateOfBirth=None)
    merged = await _customer(api, firstName="Adah", tags=["newsletter", "sale"], notes="Merged note",
                             registrationDate="2024-01-02T00:00:00Z")
    await _order(api, kept["id"], placedAt="2026-01-10T10:00:00Z")  # 119.48
    await _order(api, merged["id"], placedAt="2026-03-01T10:00:00Z")  # 119.48
    cancelled = await _order(api, merged["id"], status="pending", placedAt="2026-04-01T10:00:00Z",
                             items=[{"sku": "B", "name": "Bag", "quantity": 1, "unitPrice": 30}])
    changed = await api.patch(f"/customers/{merged['id']}/orders/{cancelled['id']}", json={"status": "cancelled"})
    assert changed.status_code == 200, changed.text
    returned = await _order(api, merged["id"], placedAt="2026-02-01T10:00:00Z",
                            items=[{"sku": "S", "name": "Shoe", "quantity": 2, "unitPrice": 40}])
    back = await api.post(f"/customers/{merged['id']}/orders/{returned['id']}/returns",
                          json={"items": [{"sku": "S", "quantity": 1}], "reason": "too small"})
    assert back.status_code == 201, back.text

    response = await _merge(api, kept["id"], merged["id"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["mergedId"] == merged["id"] and body["movedOrders"] == 3
    result = body["kept"]
    # 119.48 + 119.48 + (80 - 40): the cancelled order counts for nothing, the return is taken off.
    assert result["totalSpent"] == 278.96 and result["totalOrders"] == 3
    assert result["averageOrderValue"] == 92.99
    assert result["lastPurchaseDate"].startswith("2026-04-01T10:00:00")  # latest placed, as recorded
    # The kept profile's fields stay; empty ones take the merged customer's.
    assert result["firstName"] == "Ada" and result["email"] == kept["email"]
    assert result["phone"] == merged["phone"] and result["address"]["zipCode"] == "62701"
    assert result["dateOfBirth"] == merged["dateOfBirth"]
    assert result["tags"] == ["newsletter", "sale", "vip"]
    assert result["notes"] == f"Kept note\n\n[merged from customer {merged['id']}]\nMerged note"
    assert result["registrationDate"].startswith("2024-01-02")

    fetched = (await api.get(f"/customers/{kept['id']}")).json()
    assert fetched["totalSpent"] == 278.96 and fetched["mergedInto"] is None
    orders = (await api.get(f"/customers/{kept['id']}/orders", params={"limit": 50})).json()
    assert orders["total"] == 4 and {o["customerId"] for o in orders["items"]} == {kept["id"]}
    timeline = (await api.get(f"/customers/{kept['id']}/activity", params={"limit": 50})).json()["items"]
    assert timeline[0]["type"] == "customer.merged" and timeline[0]["data"]["mergedId"] == merged["id"]
    # The merged customer's timeline came along: its profile creation and its orders.
    assert sum(1 for e in timeline if e["type"] == "profile.created") == 2
    assert sum(1 for e in timeline if e["type"] == "order.placed") == 4


async def test_the_merged_id_answers_its_tombstone_and_is_listed_nowhere(api):
    kept, merged = await _customer(api), await _customer(api, firstName="Other")
    assert (await _merge(api, kept["id"], merged["id"])).status_code == 200
    tombstone = await api.get(f"/customers/{merged['id']}")
    assert tombstone.status_code == 200
    assert tombstone.json()["mergedInto"] == kept["id"] and tombstone.json()["totalOrders"] == 0
    batch = (await api.get("/customers", params={"ids": f"{kept['id']},{merged['id']}"})).json()
    assert {c["id"]: c["mergedInto"] for c in batch["items"]} == {kept["id"]: None, merged["id"]: kept["id"]}
    listed = (await api.get("/customers")).json()
    assert [c["id"] for c in listed["items"]] == [kept["id"]] and listed["total"] == 1
    stats = (await api.get("/customers/stats")).json()
    assert stats["totalCustomers"] == 1
    # Its email is free again: the tombstone is no live customer.
    again = await api.post("/customers", json=customer_body(email=merged["email"]))
    assert again.status_code == 201, again.text


async def test_bad_merges_are_refused_with_code_and_field(api):
    kept, merged, third = await _customer(api), await _customer(api), await _customer(api)
    same = await _merge(api, kept["id"], kept["id"])
    assert same.status_code == 422 and same.json()["error"]["field"] == "mergeId"
    unknown = await _merge(api, kept["id"], str(uuid.uuid4()))
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "mergeId"
    unknown_kept = await _merge(api, str(uuid.uuid4()), kept["id"])
    assert unknown_kept.status_code == 404 and unknown_kept.json()["error"]["field"] == "keepId"
    blank = await api.post("/merges", json={"keepId": " ", "mergeId": kept["id"]})
    assert blank.status_code == 422
    assert (await _merge(api, kept["id"], merged["id"])).status_code == 200
    twice = await _merge(api, kept["id"], merged["id"])
    assert twice.status_code == 409 and twice.json()["error"] == {
        "code": "ALREADY_MERGED", "field": "mergeId", "message": f"customer {merged['id']} was already merged into "
                                                                f"{kept['id']}"}
    into_merged = await _merge(api, merged["id"], third["id"])
    assert into_merged.status_code == 409 and into_merged.json()["error"]["field"] == "keepId"
    assert into_merged.json()["error"]["code"] == "ALREADY_MERGED"
    # Nothing of the refused merge was written.
    assert (await api.get(f"/customers/{third['id']}")).json()["mergedInto"] is None


async def test_an_erased_customer_is_neither_merged_nor_merged_into(api):
    kept, erased = await _customer(api), await _customer(api)
    response = await api.post(f"/customers/{erased['id']}/erasure", json={"reason": "the person's request"})
    assert response.status_code in (200, 201), response.text
    for keep_id, merge_id, field in ((kept["id"], erased["id"], "mergeId"), (erased["id"], kept["id"], "keepId")):
        refused = await _merge(api, keep_id, merge_id)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "CUSTOMER_ERASED"
        assert refused.json()["error"]["field"] == field


async def test_consents_move_and_decide_the_channels_they_decided(api):
    kept = await _customer(api, communication={"email": False, "sms": False, "push": False})
    merged = await _customer(api, communication={"email": True, "sms": False, "push": False})
    assert merged["communication"]["email"] is True and kept["communication"]["email"] is False
    done = (await _merge(api, kept["id"], merged["id"])).json()
    assert done["movedConsents"] >= 1
    assert done["kept"]["communication"]["email"] is True  # the merged customer's grant is the latest decision
    records = (await api.get(f"/customers/{kept['id']}/consents", params={"limit": 50})).json()["items"]
    assert any(r["channel"] == "email" and r["status"] == "granted" for r in records)


async def test_an_old_id_always_names_a_live_customer(api):
    first, second, third = await _customer(api), await _customer(api), await _customer(api)
    assert (await _merge(api, second["id"], third["id"])).status_code == 200
    assert (await _merge(api, first["id"], second["id"])).status_code == 200
    for old in (second, third):
        assert (await api.get(f"/customers/{old['id']}")).json()["mergedInto"] == first["id"]
