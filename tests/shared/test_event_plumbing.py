"""Outbox, relay and idempotent consumer against the real broker and database."""
import json
import uuid
from datetime import datetime, timezone

import aio_pika
import pytest

from devstack.infra import amqp_address
from services.customers.app import create_app
from services.customers.settings import CustomersSettings
from shared.bus.publisher import Publisher
from shared.events import contracts
from shared.events.envelope import Envelope
from shared.mongo import create_client
from shared.outbox import Outbox, OutboxRelay
from tests.conftest import eventually
from tests.customers.factories import customer_body
from tests.support.http import service_client
from tests.support.tcp_proxy import TcpProxy


async def _bind_probe(amqp_url: str, exchange: str, routing_key: str):
    """A throwaway queue on the test's exchange, to see what was published."""
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    ex = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(ex, routing_key=routing_key)
    return connection, queue


async def _drain(queue) -> list[dict]:
    bodies = []
    while (message := await queue.get(fail=False, timeout=1)) is not None:
        bodies.append(json.loads(message.body))
        await message.ack()
    return bodies


async def test_event_written_while_broker_is_down_is_published_when_it_returns(service_env, isolation):
    host, port = amqp_address(service_env["amqp_url"])
    proxy = TcpProxy(host, port)
    await proxy.start()
    await proxy.cut()  # broker unreachable from the start
    mongo = create_client(service_env["mongo_url"])
    outbox = Outbox(mongo[f"outbox_{isolation}"]["outbox"], source="test")
    publisher = Publisher(f"amqp://guest:guest@127.0.0.1:{proxy.port}/", service_env["events_exchange"], 1.0)
    relay = OutboxRelay(outbox, publisher, batch_size=50, poll_seconds=0.1)
    connection, probe = await _bind_probe(service_env["amqp_url"], service_env["events_exchange"], "customer.deleted")
    try:
        async with mongo.start_session() as session:
            async with await session.start_transaction():
                envelope = await outbox.add(session, contracts.CustomerDeleted(customerId="c-1"))
        with pytest.raises(Exception):
            await relay.publish_pending()
        assert await outbox.backlog() == 1
        assert await _drain(probe) == []

        await proxy.start()  # the broker is back on the same address
        assert await relay.publish_pending() == 1
        assert await outbox.backlog() == 0
        received = await _drain(probe)
        assert [m["id"] for m in received] == [envelope.id]
        assert received[0]["data"] == {"customerId": "c-1"}
    finally:
        await publisher.close()
        await connection.close()
        await mongo.close()


async def test_relay_publishes_customer_events_with_the_envelope(service_env, isolation):
    connection, probe = await _bind_probe(service_env["amqp_url"], service_env["events_exchange"], "customer.*")
    settings = CustomersSettings(mongo_database=f"customers_{isolation}", **service_env)
    from asgi_lifespan import LifespanManager
    app = create_app(settings)
    try:
        async with LifespanManager(app):
            async with service_client(app, "http://c") as api:
                created = (await api.post("/customers", json=customer_body(),
                                          headers={"x-correlation-id": "corr-42"})).json()
                received: list[dict] = []

                async def arrived():
                    received.extend(await _drain(probe))
                    return len(received) >= 1
                await eventually(arrived, what="customer.created on the broker")
        event = received[0]
        assert event["type"] == "customer.created" and event["version"] == 1
        assert event["source"] == "customers" and event["correlationId"] == "corr-42"
        assert event["data"]["customerId"] == created["id"]
        assert set(event) == {"id", "type", "version", "occurredAt", "source", "correlationId", "actor", "data"}
        assert event["actor"] is None  # no staff member behind a direct call to the service
    finally:
        await connection.close()


async def _publish(amqp_url: str, exchange: str, envelope: Envelope, body: bytes | None = None) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        ex = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        await ex.publish(aio_pika.Message(body or envelope.to_json(), message_id=envelope.id),
                         routing_key=envelope.type)


async def test_redelivered_storefront_order_counts_once(api, customers_app, service_env):
    customer = (await api.post("/customers", json=customer_body())).json()
    event = contracts.OrderPlaced(
        orderId=f"shop-{uuid.uuid4().hex[:6]}", customerId=customer["id"], currency="USD",
        items=[contracts.OrderItemData(sku="S", name="Sock", quantity=3, unitPriceMinor=250)],
        totalMinor=750, placedAt=datetime(2026, 3, 1, tzinfo=timezone.utc))
    envelope = Envelope.wrap(event, source="storefront")
    await eventually(lambda: _consuming(customers_app), what="consumer to start")
    for _ in range(3):  # the same event id delivered three times
        await _publish(service_env["amqp_url"], service_env["events_exchange"], envelope)

    async def recorded():
        return (await api.get(f"/customers/{customer['id']}")).json()["totalOrders"] >= 1
    await eventually(recorded, what="storefront order recorded")

    inbox = customers_app.state.runtime.inbox.collection

    async def all_handled():
        return await inbox.count_documents({"_id": envelope.id}) == 1 and not await _queue_has_messages(
            service_env, customers_app)
    await eventually(all_handled, what="duplicates consumed")
    fetched = (await api.get(f"/customers/{customer['id']}")).json()
    assert fetched["totalOrders"] == 1
    assert fetched["totalSpent"] == 7.5
    orders = (await api.get(f"/customers/{customer['id']}/orders")).json()
    assert orders["total"] == 1 and orders["items"][0]["id"] == event.order_id


async def test_poison_messages_are_parked_with_a_reason(customers_app, service_env):
    await eventually(lambda: _consuming(customers_app), what="consumer to start")
    bad_version = Envelope(type="order.placed", version=99, source="storefront", data={})
    await _publish(service_env["amqp_url"], service_env["events_exchange"], bad_version)
    await _publish(service_env["amqp_url"], service_env["events_exchange"], bad_version.model_copy(
        update={"id": "not-json"}), body=b"{not json")
    connection = await aio_pika.connect(service_env["amqp_url"])
    async with connection:
        channel = await connection.channel()
        dead = await channel.declare_queue(f"{service_env['queue_prefix']}customers.dead", passive=True)
        reasons = []

        async def parked():
            message = await dead.get(fail=False, timeout=1)
            if message:
                reasons.append(message.headers["x-parked-reason"])
                await message.ack()
            return len(reasons) == 2
        await eventually(parked, what="two parked messages")
    assert any("unknown event order.placed v99" in r for r in reasons)
    assert any("malformed envelope" in r for r in reasons)


async def _consuming(app) -> bool:
    return app.state.runtime.consumer.connected


async def _queue_has_messages(service_env, app) -> bool:
    connection = await aio_pika.connect(service_env["amqp_url"])
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(f"{service_env['queue_prefix']}customers", passive=True)
        return queue.declaration_result.message_count > 0
