"""No "not found" window: a customer created a moment ago can be credited at once, because loyalty asks the
customers service about an id it has not heard of and keeps the answer."""
import asyncio

from tests.gateway.test_customers_graph import CREATE, customer_input
from tests.loyalty.support import stop_consuming
from tests.loyalty.test_graph import ADD


async def test_a_hundred_credits_each_right_after_its_create_customer(graphql, customers_app, loyalty_app,
                                                                     loyalty_to_customers):
    await stop_consuming(loyalty_app)  # customer.created can't reach loyalty: only the lookup can know them
    ids = []
    for i in range(100):
        created = await graphql(CREATE, input=customer_input(email=f"new{i}@example.com"))
        customer_id = created["data"]["createCustomer"]["id"]
        credited = await graphql(ADD, id=customer_id, points=10 + i, reason="Welcome")
        assert "errors" not in credited, credited
        assert credited["data"]["addLoyaltyPoints"]["points"] == 10 + i
        ids.append(customer_id)

    members = loyalty_app.state.deps.members
    learnt = [await members.get(customer_id) for customer_id in ids]
    assert {(m.learnt_from, m.status) for m in learnt} == {("lookup", "active")}
    # One lookup per customer: the answer is kept (the credit's account read found it known).
    assert sorted(loyalty_to_customers.paths) == sorted(f"/customers/{customer_id}" for customer_id in ids)
    assert await loyalty_app.state.runtime.inbox.collection.count_documents({}) == 0


async def test_a_looked_up_suspended_customer_is_refused_and_asked_once(api, loyalty_api, loyalty_app, customers_app,
                                                                     loyalty_to_customers):
    await stop_consuming(loyalty_app)
    customer_id = (await api.post("/customers", json={**customer_input(email="s@example.com"),
                                                      "status": "suspended"})).json()["id"]
    credit = await loyalty_api.post(f"/customers/{customer_id}/loyalty/points", json={"points": 5, "reason": "x"})
    assert credit.status_code == 409 and credit.json()["error"]["code"] == "CUSTOMER_SUSPENDED"
    assert (await loyalty_api.get(f"/customers/{customer_id}/loyalty")).json()["points"] == 0
    assert loyalty_to_customers.paths == [f"/customers/{customer_id}"]  # asked once, then known


async def test_first_lookups_of_one_id_at_once_all_answer(api, loyalty_api, loyalty_app, customers_app,
                                                          loyalty_to_customers):
    """A page's loaders ask loyalty about a new customer several times at once: every lookup upserts the same
    member; the ones that lose the race read the winner's record instead of failing with a 500."""
    await stop_consuming(loyalty_app)
    customer_id = (await api.post("/customers", json=customer_input(email="race@example.com"))).json()["id"]
    answers = await asyncio.gather(*(loyalty_api.get(f"/customers/{customer_id}/loyalty") for _ in range(12)))
    assert [a.status_code for a in answers] == [200] * 12, [a.text for a in answers if a.status_code != 200]
    member = await loyalty_app.state.deps.members.get(customer_id)
    assert (member.learnt_from, member.status) == ("lookup", "active")
