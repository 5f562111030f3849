"""Secrets never show: not in a settings repr or log line, not in an error body, not in /metrics."""
import json
import logging
import secrets

import httpx
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from pythonjsonlogger.json import JsonFormatter

from devstack.sinks.settings import SinkSettings
from gateway.settings import GatewaySettings
from services.campaigns.settings import CampaignsSettings
from shared.internal_auth import INTERNAL_TOKEN_HEADER


def test_settings_show_their_secrets_masked():
    values = {name: secrets.token_urlsafe(40) for name in ("internal_token", "tracking_secret", "webhook_secret",
                                                             "smtp_password")}
    campaigns = CampaignsSettings(**values)
    gateway = GatewaySettings(internal_token=values["internal_token"], jwt_secret=values["tracking_secret"])
    sinks = SinkSettings(webhook_secret=values["webhook_secret"], auth_token=values["smtp_password"])
    for settings in (campaigns, gateway, sinks):
        shown = " ".join([repr(settings), str(settings), settings.model_dump_json()])
        assert "**********" in shown
        assert not [name for name, value in values.items() if value in shown]
    assert campaigns.tracking_secret.get_secret_value() == values["tracking_secret"], "still usable where needed"


def test_a_log_line_carrying_the_settings_hides_the_secrets():
    token = secrets.token_urlsafe(40)
    settings = CampaignsSettings(internal_token=token, webhook_secret=SecretStr(secrets.token_urlsafe(40)))
    record = logging.LogRecord("campaigns", logging.INFO, __file__, 1, "starting with %s", (settings,), None)
    record.settings = settings.model_dump()  # as `extra=`; the JSON formatter falls back to str()
    line = JsonFormatter("%(message)s").format(record)
    assert token not in line and settings.webhook_secret.get_secret_value() not in line
    assert json.loads(line)["settings"]["internal_token"] == "**********"


async def test_a_services_metrics_and_error_bodies_hold_no_internal_token(service_env, isolation):
    from services.customers.app import create_app
    from services.customers.settings import CustomersSettings

    token = secrets.token_urlsafe(40)
    settings = CustomersSettings(mongo_database=f"customers_{isolation}", internal_token=token, **service_env)
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://customers") as client:
            listed = await client.get("/customers", headers={INTERNAL_TOKEN_HEADER: token})
            refused = await client.get("/customers", headers={INTERNAL_TOKEN_HEADER: "wrong"})
            missing = await client.get("/customers/none", headers={INTERNAL_TOKEN_HEADER: token})
            metrics = await client.get("/metrics")
    assert listed.status_code == 200 and refused.status_code == 401 and missing.status_code == 404
    assert metrics.status_code == 200 and "http_requests" in metrics.text.lower()
    for response in (listed, refused, missing, metrics):
        assert token not in response.text and token not in str(response.headers)


async def test_the_gateways_metrics_hold_no_secret(gateway_settings):
    from gateway.app import create_app

    internal, jwt_secret = secrets.token_urlsafe(40), secrets.token_urlsafe(40)
    settings = gateway_settings.model_copy(update={"internal_token": SecretStr(internal),
                                                   "jwt_secret": SecretStr(jwt_secret)})
    app = create_app(settings)
    async with LifespanManager(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            await client.post("/graphql", json={"query": "{ __typename }"})
            metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert internal not in metrics.text and jwt_secret not in metrics.text
