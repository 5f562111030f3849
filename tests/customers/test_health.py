"""Liveness and readiness: /readyz tells whether the database and the broker answer."""
from asgi_lifespan import LifespanManager

from services.customers.app import create_app
from services.customers.settings import CustomersSettings
from tests.conftest import eventually
from tests.support.http import service_client


async def test_ready_when_database_and_broker_answer(api, customers_app):
    assert (await api.get("/healthz")).json() == {"status": "ok"}

    async def ready():
        return (await api.get("/readyz")).status_code == 200
    await eventually(ready, what="readiness")
    assert (await api.get("/readyz")).json()["checks"] == {"database": True, "broker": True}


async def test_not_ready_and_clean_errors_when_the_broker_is_unreachable(service_env, isolation):
    settings = CustomersSettings(mongo_database=f"customers_{isolation}",
                                 **{**service_env, "amqp_url": "amqp://guest:guest@127.0.0.1:1/"})
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=30):
        async with service_client(app, "http://c") as client:
            response = await client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["checks"] == {"database": True, "broker": False}
            # Writes still succeed: their events wait in the outbox until the broker is back.
            created = await client.post("/customers", json={"firstName": "A", "lastName": "B",
                                                            "email": "outbox@example.com"})
            assert created.status_code == 201
            assert await app.state.runtime.outbox.backlog() == 2  # customer.created and its timeline entry


async def test_metrics_count_requests_by_route_and_show_the_outbox_backlog(api):
    await api.post("/customers", json={"firstName": "M", "lastName": "T", "email": "metrics@example.com"})
    await api.get("/customers/does-not-exist")
    text = (await api.get("/metrics")).text
    assert 'http_requests_total{method="POST",route="/customers",service="customers",status="201"}' in text
    assert 'route="/customers/{customer_id}",service="customers",status="404"' in text
    assert 'outbox_backlog{service="customers"}' in text
