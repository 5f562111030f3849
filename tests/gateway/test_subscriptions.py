"""Subscriptions over WebSocket (graphql-transport-ws), fed from the broker: a dashboard sees a purchase appear."""
import asyncio
import contextlib
import json

import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from devstack.infra import free_port
from gateway.app import create_app
from gateway.auth.roles import Role
from gateway.auth.tokens import issue_token
from tests.conftest import eventually
from tests.customers.factories import customer_body, order_body
from tests.segments.helpers import wait_ready

ACTIVITY = "subscription($id: ID!) { customerActivity(customerId: $id) { type summary data } }"
COUNTS = "subscription($id: ID) { segmentCounts(segmentId: $id) { slug customerCount entered left } }"


@pytest.fixture
async def live_gateway(gateway_settings, customers_transport, loyalty_transport, campaigns_transport):
    """The gateway served by uvicorn on a real port (WebSockets need one), wired to the in-process services."""
    app = create_app(gateway_settings, mounts={"http://customers": customers_transport,
                                               "http://loyalty": loyalty_transport,
                                               "http://campaigns": campaigns_transport})
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    serving = asyncio.create_task(server.serve())
    await eventually(lambda: _true(server.started), 15, "gateway listening")
    yield app, f"ws://127.0.0.1:{port}/graphql", gateway_settings
    server.should_exit = True
    await asyncio.wait_for(serving, 15)


async def _true(value) -> bool:
    return bool(value)


@contextlib.asynccontextmanager
async def subscription(url: str, query: str, variables: dict, init_payload: dict):
    async with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": init_payload}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 10))["type"] == "connection_ack"
        await socket.send(json.dumps({"id": "1", "type": "subscribe",
                                      "payload": {"query": query, "variables": variables}}))
        yield socket


async def next_message(socket, timeout: float = 15) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout))


def _bearer(settings, role: Role) -> dict:
    return {"authorization": f"Bearer {issue_token(settings.jwt_secret.get_secret_value(), 'dashboard', role)}"}


async def _listening(app, event_type: str) -> None:
    """The subscription's resolver runs after `subscribe` is sent; act only once it listens."""
    await eventually(lambda: _true(app.state.live.listeners(event_type) == 1), 15, f"a listener for {event_type}")


async def test_a_purchase_appears_in_the_customer_activity_feed(live_gateway, api):
    app, url, settings = live_gateway
    customer = (await api.post("/customers", json=customer_body())).json()
    async with subscription(url, ACTIVITY, {"id": customer["id"]}, _bearer(settings, Role.support)) as socket:
        await _listening(app, "customer.activity.recorded")
        order = (await api.post(f"/customers/{customer['id']}/orders", json=order_body())).json()
        # The profile.created entry may still be on its way from the outbox: entries come in order.
        kinds = []
        while "order.placed" not in kinds:
            message = await next_message(socket)
            assert message["type"] == "next", message
            entry = message["payload"]["data"]["customerActivity"]
            kinds.append(entry["type"])
    assert kinds in (["order.placed"], ["profile.created", "order.placed"])
    assert entry["data"]["orderId"] == order["id"], entry


async def test_segment_counts_change_live(live_gateway, api):
    app, url, settings = live_gateway
    created = await api.post("/customer-segments", json={"name": "Live spenders", "query": "total_spent >= 100"})
    slug = created.json()["slug"]
    await wait_ready(api, slug)
    customer = (await api.post("/customers", json=customer_body())).json()
    async with subscription(url, COUNTS, {"id": slug}, _bearer(settings, Role.marketer)) as socket:
        await _listening(app, "segment.membership.changed")
        await api.post(f"/customers/{customer['id']}/orders", json=order_body(
            items=[{"sku": "CO-1", "name": "Wool coat", "quantity": 1, "unitPrice": 150}]))
        message = await next_message(socket)
    assert message["type"] == "next", message
    assert message["payload"]["data"]["segmentCounts"] == {"slug": slug, "customerCount": 1, "entered": 1, "left": 0}


async def test_subscriptions_need_a_signed_in_caller_with_the_permission(live_gateway, api):
    app, url, settings = live_gateway
    customer = (await api.post("/customers", json=customer_body())).json()
    async with subscription(url, ACTIVITY, {"id": customer["id"]}, {}) as socket:
        anonymous = await next_message(socket)
    assert anonymous["type"] == "error"
    assert anonymous["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    with pytest.raises(ConnectionClosed) as closed:
        async with subscription(url, ACTIVITY, {"id": customer["id"]}, {"authorization": "Bearer forged"}):
            pass
    assert closed.value.rcvd.code == 4403


async def test_an_unknown_customer_is_not_found(live_gateway):
    app, url, settings = live_gateway
    async with subscription(url, ACTIVITY, {"id": "no-such-customer"}, _bearer(settings, Role.viewer)) as socket:
        message = await next_message(socket)
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
