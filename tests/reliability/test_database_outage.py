"""The database unreachable for a while: not ready, clean 503s, events held (not parked), all well once it returns.

Both services that consume orders, each in-process behind a TCP proxy to the database that the test cuts.
"""
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import urlparse

import pytest
from asgi_lifespan import LifespanManager

from gateway.settings import GatewaySettings
from services.customers.app import create_app as create_customers_app
from services.customers.settings import CustomersSettings
from services.loyalty.app import create_app as create_loyalty_app
from services.loyalty.settings import LoyaltySettings
from shared.events import contracts
from shared.events.envelope import Envelope
from tests.conftest import eventually
from tests.customers.factories import customer_body
from tests.reliability.support.dead_letters import take_parked
from tests.reliability.support.storefront import Outgoing, publish
from tests.support.http import service_client
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.reliability
GATEWAY_TIMEOUT = GatewaySettings().http_timeout_seconds


async def _behind_proxy(service_env) -> tuple[TcpProxy, dict]:
    mongo = urlparse(service_env["mongo_url"])
    proxy = TcpProxy(mongo.hostname, mongo.port)
    await proxy.start()
    # directConnection: SecantusDB advertises its real port, which the client would otherwise switch to.
    return proxy, {**service_env, "mongo_url": f"mongodb://127.0.0.1:{proxy.port}/?directConnection=true"}


async def _unavailable_during_outage(api, requests: list[tuple[str, str, dict | None]]) -> None:
    """Not ready, and every request a clean, timely 503 (no 500, no traceback) while the database is away."""
    readiness = await api.get("/readyz")
    assert readiness.status_code == 503
    assert readiness.json()["checks"]["database"] is False
    for method, path, body in requests:
        started = time.monotonic()
        response = await api.request(method, path, json=body)
        took = time.monotonic() - started
        assert response.status_code == 503, f"{method} {path}: {response.status_code} {response.text}"
        assert response.json()["error"]["code"] == "UNAVAILABLE"
        assert "Traceback" not in response.text
        # The gateway gives up on a service after its HTTP timeout; the 503 must come first to reach the caller.
        assert took < GATEWAY_TIMEOUT, f"{method} {path} answered after {took:.1f} s"


def _storefront_order(customer_id: str, total_minor: int) -> Envelope:
    order = contracts.OrderPlaced(
        orderId=f"o-{uuid.uuid4().hex[:6]}", customerId=customer_id, currency="USD", totalMinor=total_minor,
        items=[contracts.OrderItemData(sku="S", name="S", quantity=1, unitPriceMinor=total_minor)],
        placedAt=datetime.now(timezone.utc))
    return Envelope.wrap(order, source="storefront")


def _paid_order(customer_id: str, total_minor: int) -> Envelope:
    """A paid order as the customers service announces it: what loyalty earns from."""
    now = datetime.now(timezone.utc)
    order = contracts.OrderPaid(
        orderId=f"o-{uuid.uuid4().hex[:6]}", customerId=customer_id, currency="USD", totalMinor=total_minor,
        items=[contracts.OrderItemData(sku="S", name="S", quantity=1, unitPriceMinor=total_minor)],
        placedAt=now, paidAt=now)
    return Envelope.wrap(order, source="customers")


async def test_customers_survive_a_database_outage(service_env, isolation):
    proxy, env = await _behind_proxy(service_env)
    app = create_customers_app(CustomersSettings(mongo_database=f"customers_{isolation}", **env))
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        async with service_client(app, "http://c") as api:
            customer = (await api.post("/customers", json=customer_body())).json()
            await eventually(lambda: _ready(api), what="ready before the outage")

            await proxy.cut()
            await _unavailable_during_outage(api, [
                ("POST", "/customers", customer_body(email="during@example.com")),
                ("GET", f"/customers/{customer['id']}", None),
                ("GET", "/customers", None),
                ("POST", f"/customers/{customer['id']}/orders",
                 {"items": [{"sku": "S", "name": "S", "quantity": 1, "unitPrice": 5}]}),
            ])
            # A storefront order arriving during the outage waits for the database instead of being parked.
            await _publish(service_env, _storefront_order(customer["id"], 500))

            await proxy.start()  # the database is back on the same address
            await eventually(lambda: _ready(api), timeout=30, what="ready after the outage")

            async def order_counted():
                return (await api.get(f"/customers/{customer['id']}")).json().get("totalOrders") == 1
            await eventually(order_counted, timeout=30, what="held order applied")
            assert (await api.get("/customers", params={"q": "during@"})).json()["total"] == 0
            assert (await api.post("/customers", json=customer_body())).status_code == 201
            assert await _dead_letters(service_env, "customers") == 0


async def test_loyalty_survives_a_database_outage(service_env, isolation):
    proxy, env = await _behind_proxy(service_env)
    app = create_loyalty_app(LoyaltySettings(mongo_database=f"loyalty_{isolation}", **env))
    customer_id = str(uuid.uuid4())
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        async with service_client(app, "http://l") as api:
            await eventually(lambda: _ready(api), what="ready before the outage")
            await _publish(service_env, _paid_order(customer_id, 1_000))  # the first order makes them a member

            async def points(expected: int):
                response = await api.get(f"/customers/{customer_id}/loyalty")
                return response.status_code == 200 and response.json()["points"] == expected
            await eventually(lambda: points(10), what="points before the outage")

            await proxy.cut()
            await _unavailable_during_outage(api, [
                ("GET", f"/customers/{customer_id}/loyalty", None),
                ("GET", f"/customers/{customer_id}/loyalty/ledger", None),
                ("POST", f"/customers/{customer_id}/loyalty/points", {"points": 5, "reason": "Goodwill"}),
                ("POST", f"/customers/{customer_id}/loyalty/redeem", {"rewardId": "default-free-shipping"}),
            ])
            await _publish(service_env, _paid_order(customer_id, 2_000))  # held, not parked

            await proxy.start()
            await eventually(lambda: _ready(api), timeout=30, what="ready after the outage")
            await eventually(lambda: points(30), timeout=30, what="the held order credited")
            ledger = (await api.get(f"/customers/{customer_id}/loyalty/ledger")).json()["items"]
            assert sorted(e["points"] for e in ledger) == [10, 20]  # the failed manual credit left nothing
            added = await api.post(f"/customers/{customer_id}/loyalty/points", json={"points": 5, "reason": "Goodwill"})
            assert added.status_code == 201
            assert await _dead_letters(service_env, "loyalty") == 0


async def _ready(api) -> bool:
    return (await api.get("/readyz")).status_code == 200


async def _publish(service_env, envelope: Envelope) -> None:
    await publish(service_env["amqp_url"], service_env["events_exchange"],
                  [Outgoing(envelope.type, envelope.to_json(), envelope.id)])


async def _dead_letters(service_env, service: str) -> int:
    return len(await take_parked(service_env["amqp_url"], f"{service_env['queue_prefix']}{service}"))
