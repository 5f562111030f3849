"""Fuzz wiring: campaigns reaches the in-process customers app, and nothing the services call leaves the process.

Mail and SMS go to a port nobody listens on (deliveries fail and are retried, reaching nothing real), and the
customers service's segment jobs call loyalty and campaigns at that same closed port.
"""
import pytest

from devstack.infra import free_port
from tests.conftest import running


@pytest.fixture
def closed_port() -> int:
    return free_port()


@pytest.fixture
def customers_settings(customers_settings, closed_port):
    # Segment jobs call loyalty and campaigns at CustomersSettings.segments' URLs (SEGMENTS_* variables).
    closed = f"http://127.0.0.1:{closed_port}"
    segments = customers_settings.segments.model_copy(update=dict(loyalty_url=closed, campaigns_url=closed))
    return customers_settings.model_copy(update=dict(segments=segments))


@pytest.fixture
def campaigns_settings(campaigns_settings, closed_port):
    return campaigns_settings.model_copy(update=dict(
        customers_url="http://customers", public_url="http://campaigns", smtp_port=closed_port,
        sms_url=f"http://127.0.0.1:{closed_port}", send_attempts=1))


@pytest.fixture
async def campaigns_app(campaigns_settings, customers_transport):
    from services.campaigns.app import create_app
    async with running(create_app(campaigns_settings, customers_transport=customers_transport)) as app:
        yield app


@pytest.fixture
def admin_headers(gateway_settings) -> dict[str, str]:
    """An admin's bearer token: the gateway enforces roles, and the fuzz is about input, not permissions."""
    from gateway.auth.roles import Role
    from gateway.auth.tokens import issue_token
    token = issue_token(gateway_settings.jwt_secret.get_secret_value(), "fuzz", Role.admin)
    return {"authorization": f"Bearer {token}"}
