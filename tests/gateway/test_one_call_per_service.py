"""A page of 50 customers with every cross-service field costs one HTTP call per service per field, not 50.

Real data behind it: 50 customers, one order each (loyalty credits them from `order.placed`), and an email campaign
sent to every fifth customer, so orders, loyalty, ledger, rewards and messages are all non-empty.
"""
import asyncio
import contextlib

from services.campaigns.store.messages import MessageStore
from services.customers.store.activity import ActivityStore
from services.customers.store.orders import OrderStore
from services.loyalty.store.ledger import LedgerStore
from tests.batch_reads import counted_database
from tests.campaigns.conftest import campaigns_app, campaigns_settings, segments, segments_transport, sinks, wait_status  # noqa: F401  (fixtures: the campaigns app delivering to real local sinks)
from tests.conftest import eventually
from tests.customers.factories import customer_body
from tests.loyalty.support import consuming

PAGE = """{ customers(first: 50) { totalCount edges { node { id email totalOrders
  orders(first: 5) { totalCount edges { node { total items { sku quantity } } } }
  activity(first: 5) { totalCount }
  loyalty { points tier lifetimePoints availableRewards { id }
            ledger(first: 5) { totalCount edges { node { kind points } } } }
  messages(first: 5) { totalCount edges { node { campaignName status channel } } } } } } }"""


def order_total(i: int) -> int:
    """Whole currency units, so bronze's 1 point per unit gives points == total: 100 .. 1080."""
    return 100 + 20 * i


def rewards_for(points: int) -> set[str]:
    """The default program's rewards a balance can afford (free shipping 300, 5 off 500, 10% 1000)."""
    costs = {"default-free-shipping": 300, "default-5-off": 500, "default-10-percent": 1000}
    return {reward for reward, cost in costs.items() if points >= cost}


async def _seed(api, loyalty_api, campaigns_api, campaigns_app) -> tuple[list[dict], set[str]]:
    customers = []
    for i in range(50):
        created = await api.post("/customers", json=customer_body(email=f"page{i}@example.com", firstName=f"P{i}"))
        assert created.status_code == 201, created.text
        customers.append(created.json())
        order = await api.post(f"/customers/{customers[-1]['id']}/orders", json={"items": [
            {"sku": f"SKU-{i}", "name": "Linen dress", "quantity": 1, "unitPrice": order_total(i)}]})
        assert order.status_code == 201, order.text
    ids = [c["id"] for c in customers]

    async def all_credited() -> bool:
        accounts = (await loyalty_api.get("/loyalty/accounts", params={"customerIds": ",".join(ids)})).json()
        return all(accounts[c]["points"] == order_total(i) for i, c in enumerate(ids))
    await eventually(all_credited, timeout=60, what="loyalty to credit 50 orders")

    messaged = set(ids[::5])

    async def recipients_known() -> bool:
        found = await asyncio.gather(*(campaigns_app.state.deps.recipients.get(c) for c in messaged))
        return all(found)
    await eventually(recipients_known, timeout=30, what="campaigns' recipient read model")
    campaign = (await campaigns_api.post("/campaigns", json={
        "name": "Summer drop", "type": "email", "subject": "New in, {{ firstName }}",
        "content": "Hello {{ firstName }}, the summer collection is here.",
        "targetCustomers": sorted(messaged)})).json()
    assert (await campaigns_api.post(f"/campaigns/{campaign['id']}/send")).status_code == 202
    await wait_status(campaigns_api, campaign["id"], "sent", timeout=60)
    return customers, messaged


async def test_a_page_of_fifty_customers_costs_one_call_per_service_and_field(
        graphql, api, loyalty_api, campaigns_api, customers_app, loyalty_app, campaigns_app,
        customers_transport, loyalty_transport, campaigns_transport):
    await consuming(customers_app, loyalty_app, campaigns_app)
    customers, messaged = await _seed(api, loyalty_api, campaigns_api, campaigns_app)
    index = {c["id"]: i for i, c in enumerate(customers)}
    for transport in (customers_transport, loyalty_transport, campaigns_transport):
        transport.paths.clear()

    async with contextlib.AsyncExitStack() as stack:
        # The per-customer stores behind the batch reads, on clients that record each database command.
        (orders_db, customers_commands), (ledger_db, loyalty_commands), (messages_db, campaigns_commands) = [
            await stack.enter_async_context(counted_database(app.state.runtime.settings.mongo_url,
                                                             app.state.runtime.settings.mongo_database))
            for app in (customers_app, loyalty_app, campaigns_app)]
        customers_app.state.deps.orders = OrderStore(orders_db)
        customers_app.state.deps.activity = ActivityStore(orders_db)
        loyalty_app.state.deps.ledger = LedgerStore(ledger_db)
        campaigns_app.state.deps.messages = MessageStore(messages_db)

        result = await graphql(PAGE)

    assert "errors" not in result, result["errors"]
    # ...and each of those batch reads is one database command for the 50 customers, not a find and a count each.
    # (Only reads by customer id are counted: the services' consumers and jobs may write or sweep meanwhile.)
    assert customers_commands.customer_reads == ["aggregate", "aggregate"]  # orders, activity
    assert loyalty_commands.customer_reads == ["aggregate"] and campaigns_commands.customer_reads == ["aggregate"]
    page = result["data"]["customers"]
    assert page["totalCount"] == 50 and len(page["edges"]) == 50
    # One call per field batch: the page itself, then orders and activity; accounts and ledgers; messages.
    assert sorted(customers_transport.paths) == ["/activity", "/customers", "/orders"]
    assert sorted(loyalty_transport.paths) == ["/loyalty/accounts", "/loyalty/ledger"]
    assert campaigns_transport.paths == ["/messages"]

    # And the values are each customer's own, not one customer's repeated or mixed up by the batching.
    for edge in page["edges"]:
        node = edge["node"]
        i, total = index[node["id"]], order_total(index[node["id"]])
        assert node["email"] == f"page{i}@example.com" and node["totalOrders"] == 1
        assert node["orders"]["totalCount"] == 1
        assert node["orders"]["edges"][0]["node"] == {"total": total, "items": [{"sku": f"SKU-{i}", "quantity": 1}]}
        assert node["activity"]["totalCount"] >= 2  # profile created, order placed (and the campaign, if messaged)
        loyalty = node["loyalty"]
        assert (loyalty["points"], loyalty["lifetimePoints"]) == (total, total)
        assert loyalty["tier"] == ("silver" if total >= 500 else "bronze")
        assert {r["id"] for r in loyalty["availableRewards"]} == rewards_for(total)
        assert loyalty["ledger"]["totalCount"] == 1
        assert loyalty["ledger"]["edges"][0]["node"] == {"kind": "earn", "points": total}
        messages = node["messages"]
        if node["id"] in messaged:
            assert messages["totalCount"] == 1
            assert messages["edges"][0]["node"] == {"campaignName": "Summer drop", "status": "sent",
                                                    "channel": "email"}
        else:
            assert messages == {"totalCount": 0, "edges": []}


async def test_two_windows_of_one_field_cost_one_call_each(graphql, api, customers_app, customers_transport):
    """Aliases asking for different windows of orders are batched per window: two calls for the page, not 2 x 50."""
    for i in range(50):
        created = (await api.post("/customers", json=customer_body(email=f"w{i}@example.com"))).json()
        for n in range(2):
            await api.post(f"/customers/{created['id']}/orders", json={"items": [
                {"sku": f"W{n}", "name": "Tee", "quantity": 1, "unitPrice": 10 + n}],
                "placedAt": f"2026-0{5 + n}-01T10:00:00Z"})
    customers_transport.paths.clear()
    result = await graphql("""{ customers(first: 50) { edges { node {
        latest: orders(first: 1) { edges { node { total } } }
        all: orders(first: 10) { totalCount edges { node { total } } } } } } }""")
    assert "errors" not in result, result["errors"]
    edges = result["data"]["customers"]["edges"]
    assert len(edges) == 50
    for edge in edges:
        assert [e["node"]["total"] for e in edge["node"]["latest"]["edges"]] == [11]  # newest first
        assert edge["node"]["all"]["totalCount"] == 2
        assert [e["node"]["total"] for e in edge["node"]["all"]["edges"]] == [11, 10]
    assert sorted(customers_transport.paths) == ["/customers", "/orders", "/orders"]
