"""Bad input gets a clear 4xx with a code and the field, and changes nothing."""
import pytest

from tests.customers.factories import customer_body, order_body


async def _count(api) -> int:
    return (await api.get("/customers")).json()["total"]


@pytest.mark.parametrize("override, field", [
    ({"email": "not-an-email"}, "email"),
    ({"phone": "555-1234"}, "phone"),
    ({"status": "vip"}, "status"),
    ({"gender": "robot"}, "gender"),
    ({"dateOfBirth": "2999-01-01"}, "dateOfBirth"),
    ({"firstName": ""}, "firstName"),
    ({"shoeSize": 42}, "shoeSize"),
])
async def test_invalid_customer_fields_are_rejected(api, override, field):
    response = await api.post("/customers", json=customer_body(**override))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "VALIDATION"
    assert error["field"] == field
    assert await _count(api) == 0


async def test_duplicate_email_in_other_case_is_a_conflict(api):
    await api.post("/customers", json=customer_body(email="Grace@Example.com"))
    response = await api.post("/customers", json=customer_body(email="grace@example.COM"))
    assert response.status_code == 409
    assert response.json()["error"] == {"code": "CONFLICT", "message": "a customer with this email already exists",
                                        "field": "email"}
    assert await _count(api) == 1


async def test_update_to_an_email_in_use_changes_nothing(api):
    await api.post("/customers", json=customer_body(email="one@example.com"))
    other = (await api.post("/customers", json=customer_body(email="two@example.com"))).json()
    response = await api.put(f"/customers/{other['id']}", json={"email": "ONE@example.com", "lastName": "X"})
    assert response.status_code == 409
    assert (await api.get(f"/customers/{other['id']}")).json()["lastName"] == "Lovelace"


async def test_unknown_id_is_not_found(api):
    for method, path, body in [("get", "/customers/nope", None), ("put", "/customers/nope", {"notes": "x"}),
                               ("delete", "/customers/nope", None),
                               ("post", "/customers/nope/orders", order_body())]:
        response = await api.request(method, path, json=body)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "NOT_FOUND"


async def test_negative_quantity_is_rejected_and_nothing_recorded(api):
    customer = (await api.post("/customers", json=customer_body())).json()
    body = order_body()
    body["items"][0]["quantity"] = -1
    response = await api.post(f"/customers/{customer['id']}/orders", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "items.0.quantity"
    assert (await api.get(f"/customers/{customer['id']}")).json()["totalOrders"] == 0


async def test_prices_with_fractions_of_a_cent_are_rejected(api):
    customer = (await api.post("/customers", json=customer_body())).json()
    body = {"items": [{"sku": "A", "name": "A", "quantity": 1, "unitPrice": 1.005}]}
    response = await api.post(f"/customers/{customer['id']}/orders", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "items.0.unitPrice"


async def test_malformed_json_is_a_400(api):
    response = await api.post("/customers", content=b'{"firstName": "Ada",',
                              headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MALFORMED_REQUEST"
    assert await _count(api) == 0


async def test_null_for_a_required_field_is_rejected_on_update(api):
    customer = (await api.post("/customers", json=customer_body())).json()
    response = await api.put(f"/customers/{customer['id']}", json={"email": None})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "email"


async def test_bad_list_parameters_are_rejected(api):
    for params, field in [({"status": "gone"}, "status.0"), ({"minSpent": 10, "maxSpent": 5}, None),
                          ({"limit": 1000}, "limit"), ({"sort": "password"}, "sort")]:
        response = await api.get("/customers", params=params)
        assert response.status_code == 422, params
        if field:
            assert response.json()["error"]["field"] == field
