import httpx
import pytest
from asgi_lifespan import LifespanManager

from services.customers.app import create_app
from services.customers.settings import CustomersSettings


@pytest.fixture
def customers_settings(service_env, isolation):
    return CustomersSettings(mongo_database=f"customers_{isolation}", **service_env)


@pytest.fixture
async def customers_app(customers_settings):
    app = create_app(customers_settings)
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        yield app


@pytest.fixture
async def api(customers_app):
    transport = httpx.ASGITransport(app=customers_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://customers") as client:
        yield client
