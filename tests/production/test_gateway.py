"""A production gateway: no GraphiQL, no introspection and no development tokens unless a setting turns them on."""
import contextlib
import secrets

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from gateway.app import create_app
from gateway.auth.roles import Role
from gateway.auth.tokens import issue_token
from gateway.settings import GatewaySettings

READ = "{ customers(first: 1) { totalCount } }"
INTROSPECT = "{ __schema { queryType { name } } }"


@contextlib.asynccontextmanager
async def production_gateway(gateway_settings, **overrides):
    """The test gateway in production with fit secrets; no service behind it (every call here is refused first)."""
    settings = gateway_settings.model_copy(update={"environment": "production",
                                                   "internal_token": SecretStr(secrets.token_urlsafe(48)),
                                                   "jwt_secret": SecretStr(secrets.token_urlsafe(48)), **overrides})
    app = create_app(settings)
    async with LifespanManager(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            client.settings = settings
            yield client


def dev_token(settings) -> dict[str, str]:
    return {"authorization": f"Bearer {issue_token(settings.jwt_secret.get_secret_value(), 'dev', Role.admin)}"}


def test_the_switches_default_to_the_environment_and_yield_to_an_explicit_value():
    development, production = GatewaySettings(), GatewaySettings(environment="production")
    assert (development.graphiql_enabled, development.introspection_enabled, development.dev_tokens_enabled) == (
        True, True, True)
    assert (production.graphiql_enabled, production.introspection_enabled, production.dev_tokens_enabled) == (
        False, False, False)
    both = GatewaySettings(environment="production", graphiql=True, introspection=True, dev_tokens=True)
    assert (both.graphiql_enabled, both.introspection_enabled, both.dev_tokens_enabled) == (True, True, True)
    assert GatewaySettings(graphiql=False).graphiql_enabled is False
    assert [s.variable for s in production.secrets_in_use()] == ["INTERNAL_TOKEN"], "JWT_SECRET only with dev tokens"
    assert [s.variable for s in both.secrets_in_use()] == ["INTERNAL_TOKEN", "JWT_SECRET"]


async def test_a_development_token_is_refused_in_production(gateway_settings):
    async with production_gateway(gateway_settings) as client:
        response = await client.post("/graphql", json={"query": READ}, headers=dev_token(client.settings))
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "development tokens are off in production" in body["errors"][0]["message"]


async def test_graphiql_and_introspection_are_off_in_production(gateway_settings):
    async with production_gateway(gateway_settings) as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
        introspection = (await client.post("/graphql", json={"query": INTROSPECT})).json()
    assert page.status_code == 404 and "graphiql" not in page.text.lower()
    assert introspection.get("data") is None
    assert "introspection" in introspection["errors"][0]["message"].lower()


async def test_production_can_turn_each_one_back_on(gateway_settings):
    async with production_gateway(gateway_settings, graphiql=True, introspection=True, dev_tokens=True) as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
        introspection = (await client.post("/graphql", json={"query": INTROSPECT})).json()
        signed_in = (await client.post("/graphql", json={"query": "{ apiKeys { totalCount } }"},
                                       headers=dev_token(client.settings))).json()
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert introspection["data"]["__schema"]["queryType"]["name"] == "Query"
    assert signed_in.get("errors") is None and signed_in["data"]["apiKeys"]["totalCount"] == 0


async def test_development_keeps_its_conveniences(gateway_settings):
    app = create_app(gateway_settings)
    async with LifespanManager(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            page = await client.get("/graphql", headers={"accept": "text/html"})
            signed_in = (await client.post("/graphql", json={"query": "{ apiKeys { totalCount } }"},
                                           headers=dev_token(gateway_settings))).json()
    assert page.status_code == 200
    assert signed_in.get("errors") is None


@pytest.mark.parametrize("update", [{"dev_tokens": True, "jwt_secret": SecretStr("dev-only-secret-change-me-before-"
                                                                                  "production")},
                                    {"internal_token": SecretStr("x" * 20)}])
def test_a_production_gateway_with_unfit_secrets_is_not_built(gateway_settings, update):
    from shared.production import UnsafeForProduction
    settings = gateway_settings.model_copy(update={"environment": "production",
                                                   "internal_token": SecretStr(secrets.token_urlsafe(48)), **update})
    with pytest.raises(UnsafeForProduction):
        create_app(settings)


async def test_the_first_admin_gets_in_with_an_api_key_made_by_the_operator_command(gateway_settings):
    """No identity provider configured yet and no dev tokens: `python -m gateway.auth api-key` is the way in, and
    the key's creation is in the audit trail."""
    import asyncio
    import os
    import sys

    env = {**os.environ, "ENVIRONMENT": "production", "MONGO_URL": gateway_settings.mongo_url,
           "MONGO_DATABASE": gateway_settings.mongo_database}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway.auth", "api-key", "--name", "First admin", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    key = out.decode().strip()
    assert key.startswith("cmsk_")
    async with production_gateway(gateway_settings) as client:
        response = await client.post("/graphql", headers={"x-api-key": key}, json={
            "query": "{ auditLog(first: 5) { edges { node { operation targetIds actor { subject via } } } } }"})
    body = response.json()
    assert "errors" not in body, body
    [record] = [e["node"] for e in body["data"]["auditLog"]["edges"]]
    assert record["operation"] == "createApiKey" and record["actor"]["via"] == "cli"
    assert record["actor"]["subject"].startswith("operator-cli:") and key.split("_")[1] in record["targetIds"]
