"""The database unreachable for a while: not ready, clean 503s, events held (not parked), all well once it returns."""
import uuid
from datetime import datetime, timezone
from urllib.parse import urlparse

import aio_pika
import httpx
from asgi_lifespan import LifespanManager

from services.customers.app import create_app
from services.customers.settings import CustomersSettings
from shared.events import contracts
from shared.events.envelope import Envelope
from tests.conftest import eventually
from tests.support.tcp_proxy import TcpProxy
from tests.support.http import service_client


async def test_services_survive_a_database_outage(service_env, isolation):
    mongo = urlparse(service_env["mongo_url"])
    proxy = TcpProxy(mongo.hostname, mongo.port)
    await proxy.start()
    settings = CustomersSettings(mongo_database=f"customers_{isolation}",
                                 **{**service_env, "mongo_url": f"mongodb://127.0.0.1:{proxy.port}/?directConnection=true"})
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        async with service_client(app, "http://c") as api:
            customer = (await api.post("/customers", json={"firstName": "D", "lastName": "B",
                                                           "email": "outage@example.com"})).json()
            await eventually(lambda: _ready(api), what="ready before the outage")

            await proxy.cut()
            readiness = await api.get("/readyz")
            assert readiness.status_code == 503
            assert readiness.json()["checks"]["database"] is False
            failed = await api.post("/customers", json={"firstName": "E", "lastName": "F",
                                                        "email": "during@example.com"})
            assert failed.status_code == 503
            assert failed.json()["error"]["code"] == "UNAVAILABLE"
            assert "Traceback" not in failed.text

            # A storefront order arriving during the outage waits for the database instead of being parked.
            order = contracts.OrderPlaced(
                orderId=f"o-{uuid.uuid4().hex[:6]}", customerId=customer["id"], currency="USD", totalMinor=500,
                items=[contracts.OrderItemData(sku="S", name="S", quantity=1, unitPriceMinor=500)],
                placedAt=datetime.now(timezone.utc))
            await _publish(service_env, Envelope.wrap(order, source="storefront"))

            await proxy.start()  # the database is back on the same address
            await eventually(lambda: _ready(api), timeout=30, what="ready after the outage")

            async def order_counted():
                return (await api.get(f"/customers/{customer['id']}")).json().get("totalOrders") == 1
            await eventually(order_counted, timeout=30, what="held order applied")
            assert (await api.get("/customers", params={"q": "during@"})).json()["total"] == 0
            assert await _dead_letters(service_env) == 0


async def _ready(api) -> bool:
    return (await api.get("/readyz")).status_code == 200


async def _publish(service_env, envelope: Envelope) -> None:
    connection = await aio_pika.connect(service_env["amqp_url"])
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(service_env["events_exchange"], aio_pika.ExchangeType.TOPIC,
                                                  durable=True)
        await exchange.publish(aio_pika.Message(envelope.to_json(), message_id=envelope.id),
                               routing_key=envelope.type)


async def _dead_letters(service_env) -> int:
    connection = await aio_pika.connect(service_env["amqp_url"])
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(f"{service_env['queue_prefix']}customers.dead", passive=True)
        return queue.declaration_result.message_count
