"""Real parts for every test: a MongoDB-wire server (SecantusDB unless MONGO_URL is set) and RabbitMQ.

Each test gets its own database and its own exchange and queues, removed afterwards.
"""
import asyncio
import contextlib
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable

import aio_pika
import httpx
import pytest
from asgi_lifespan import LifespanManager

from devstack.infra import ensure_rabbitmq, free_port, start_secantus
from services.customers.app import create_app as create_customers_app
from services.customers.settings import CustomersSettings
from tests.support import containers
from tests.support.containers import use_containers
from tests.support.http import service_client


@pytest.fixture(scope="session")
def mongo_url():
    if os.environ.get("MONGO_URL"):
        yield os.environ["MONGO_URL"]
        return
    if use_containers():
        with containers.mongo_replica_set() as url:
            yield url
        return
    storage = tempfile.mkdtemp(prefix="secantus-test-")
    port = free_port()
    process = start_secantus(port, storage)
    yield f"mongodb://127.0.0.1:{port}/"
    process.terminate()
    try:
        process.wait(10)
    except Exception:
        process.kill()
    shutil.rmtree(storage, ignore_errors=True)


@pytest.fixture(scope="session")
def amqp_url():
    if not os.environ.get("AMQP_URL") and use_containers():
        with containers.rabbitmq() as url:
            yield url
        return
    url = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    ensure_rabbitmq(url)
    yield url


@pytest.fixture
def isolation():
    """A unique suffix for this test's database, exchange and queues."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
async def broker_cleanup(amqp_url, isolation):
    yield
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        # Deleting what doesn't exist closes the channel; use a fresh one for each.
        services = ("customers", "loyalty", "campaigns", "campaigns.sends")
        for kind, name in [("queue", f"t{isolation}.{svc}{suffix}") for svc in services
                           for suffix in ("", ".dead")] + [("exchange", f"t{isolation}.events"),
                                                          ("exchange", f"t{isolation}.events.dead")]:
            try:
                if channel.is_closed:
                    channel = await connection.channel()
                if kind == "queue":
                    await channel.queue_delete(name)
                else:
                    await channel.exchange_delete(name)
            except Exception:
                pass


@pytest.fixture
def service_env(mongo_url, amqp_url, isolation, broker_cleanup):
    """Settings shared by every service in one test: same broker namespace, a database per service."""
    return dict(mongo_url=mongo_url, amqp_url=amqp_url, events_exchange=f"t{isolation}.events",
                queue_prefix=f"t{isolation}.", outbox_poll_seconds=0.1, log_json=False,
                # Hundreds of short-lived quorum queues wedged the single-node 3.10 broker; production stays quorum
                # and tests/shared covers the quorum path.
                queue_type="classic")


@contextlib.asynccontextmanager
async def running(app):
    """A service app with its lifespan (database, outbox relay, consumer) started, stopped afterwards."""
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        yield app


@pytest.fixture
def customers_settings(service_env, isolation):
    return CustomersSettings(mongo_database=f"customers_{isolation}", **service_env)


@pytest.fixture
async def customers_app(customers_settings):
    async with running(create_customers_app(customers_settings)) as app:
        yield app


@pytest.fixture
def loyalty_settings(service_env, isolation):
    from services.loyalty.settings import LoyaltySettings
    # Nothing listens there: a customer lookup answers 503 unless the test runs the customers app (below).
    return LoyaltySettings(mongo_database=f"loyalty_{isolation}", customers_url=f"http://127.0.0.1:{free_port()}",
                           **service_env)


@pytest.fixture
def loyalty_to_customers(request):
    """Loyalty asks the customers service about ids it has not heard of: in a test that runs the customers app,
    its lookups go to that app in-process (counted); otherwise None."""
    if "customers_app" not in request.fixturenames:
        return None
    return CountingTransport(request.getfixturevalue("customers_app"))


@pytest.fixture
async def loyalty_app(loyalty_settings, loyalty_to_customers):
    from services.loyalty.app import create_app
    async with running(create_app(loyalty_settings, customers_transport=loyalty_to_customers)) as app:
        yield app


@pytest.fixture
def campaigns_settings(service_env, isolation):
    from services.campaigns.settings import CampaignsSettings
    return CampaignsSettings(mongo_database=f"campaigns_{isolation}", **service_env)


@pytest.fixture
async def campaigns_app(campaigns_settings):
    from services.campaigns.app import create_app
    async with running(create_app(campaigns_settings)) as app:
        yield app


def _client(app, name: str) -> httpx.AsyncClient:
    """Calls a service as the gateway does: with the internal token."""
    return service_client(app, f"http://{name}")


@pytest.fixture
async def api(customers_app):
    """REST client for the customers service."""
    async with _client(customers_app, "customers") as client:
        yield client


@pytest.fixture
async def loyalty_api(loyalty_app):
    async with _client(loyalty_app, "loyalty") as client:
        yield client


@pytest.fixture
async def campaigns_api(campaigns_app):
    async with _client(campaigns_app, "campaigns") as client:
        yield client


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 15, what: str = "condition") -> None:
    """Polls check until true or the deadline passes (no bare sleeps in tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class CountingTransport(httpx.AsyncBaseTransport):
    """An in-process transport to a service app that records every request path, so tests can count calls."""

    def __init__(self, app):
        self.inner = httpx.ASGITransport(app=app)
        self.paths: list[str] = []

    async def handle_async_request(self, request):
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def customers_transport(customers_app):
    return CountingTransport(customers_app)


@pytest.fixture
def loyalty_transport(loyalty_app):
    return CountingTransport(loyalty_app)


@pytest.fixture
def campaigns_transport(campaigns_app):
    return CountingTransport(campaigns_app)


@pytest.fixture
def gateway_settings(service_env, isolation):
    from gateway.settings import GatewaySettings
    return GatewaySettings(customers_url="http://customers", loyalty_url="http://loyalty",
                           campaigns_url="http://campaigns", mongo_url=service_env["mongo_url"],
                           mongo_database=f"gateway_{isolation}", amqp_url=service_env["amqp_url"],
                           events_exchange=service_env["events_exchange"], log_json=False)


@pytest.fixture
async def gateway_http(gateway_settings, customers_transport, loyalty_transport, campaigns_transport):
    """An HTTP client to a gateway wired to the in-process services; it sends no credentials of its own."""
    from gateway.app import create_app as create_gateway_app

    app = create_gateway_app(gateway_settings, mounts={"http://customers": customers_transport,
                                                       "http://loyalty": loyalty_transport,
                                                       "http://campaigns": campaigns_transport})
    async with LifespanManager(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            client.gateway_app = app
            yield client


@pytest.fixture
def graphql_as(gateway_http, gateway_settings):
    """graphql_as(Role.support)(query, **variables): the JSON result of an operation run with that role's token;
    graphql_as(role, "ana@shop", {"user-agent": ...}) signs in as that subject and sends those headers too."""
    from gateway.auth.tokens import issue_token

    def as_role(role, subject: str | None = None, extra_headers: dict | None = None) -> Callable[..., Awaitable[dict]]:
        token = issue_token(gateway_settings.jwt_secret.get_secret_value(), subject or f"test-{role.value}", role)
        headers = {"authorization": f"Bearer {token}", **(extra_headers or {})}

        async def run(query: str, **variables) -> dict:
            response = await gateway_http.post("/graphql", json={"query": query, "variables": variables},
                                               headers=headers)
            assert response.status_code == 200, response.text
            return response.json()
        return run
    return as_role


@pytest.fixture
def graphql(graphql_as):
    """Posts a GraphQL operation as an admin to a gateway wired to the in-process services; returns the JSON."""
    from gateway.auth.roles import Role
    return graphql_as(Role.admin)
