"""Safety limits are configurable and answer with clear errors before any service is called."""
import contextlib

import httpx
from asgi_lifespan import LifespanManager

from gateway.app import create_app
from gateway.auth.roles import Role
from gateway.auth.tokens import issue_token


@contextlib.asynccontextmanager
async def gateway(gateway_settings, **overrides):
    """A gateway with some settings changed; no service behind it (every call here must be refused first)."""
    settings = gateway_settings.model_copy(update=overrides)
    app = create_app(settings)
    token = issue_token(settings.jwt_secret.get_secret_value(), "limits", Role.admin)
    async with LifespanManager(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway",
                                     headers={"authorization": f"Bearer {token}"}) as client:
            yield client


async def _errors(client, query: str, **variables) -> list[dict]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert body.get("data") is None, body
    return body["errors"]


async def test_depth_limit(gateway_settings):
    deep = "{ customers { edges { node { orders { edges { node { id } } } } } } }"
    async with gateway(gateway_settings, max_query_depth=4) as client:
        errors = await _errors(client, deep)
    assert "exceeds maximum operation depth of 4" in errors[0]["message"]
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_DEEP"


async def test_alias_limit(gateway_settings):
    aliases = " ".join(f"a{i}: customerStats {{ totalCustomers }}" for i in range(6))
    async with gateway(gateway_settings, max_aliases=5) as client:
        errors = await _errors(client, f"{{ {aliases} }}")
    assert errors[0]["message"] == "6 aliases found. Allowed: 5"
    assert errors[0]["extensions"]["code"] == "TOO_MANY_ALIASES"


async def test_token_limit(gateway_settings):
    async with gateway(gateway_settings, max_tokens=10) as client:
        errors = await _errors(client, "{ customers { edges { node { id email firstName lastName phone } } } }")
    assert "token" in errors[0]["message"].lower()
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_LARGE"


async def test_page_size_is_bounded_in_literals_and_variables(gateway_settings):
    async with gateway(gateway_settings, max_page_size=25) as client:
        literal = await _errors(client, "{ customers(first: 26) { totalCount } }")
        variable = await _errors(client, "query($n: Int!) { segments(first: $n) { totalCount } }", n=1000)
        zero = await _errors(client, "{ campaigns(first: 0) { totalCount } }")
    for errors in (literal, variable, zero):
        assert errors[0]["extensions"] == {"code": "VALIDATION", "field": "first"}
    assert "between 1 and 25" in literal[0]["message"]


async def test_nested_lists_multiply_into_the_cost_limit(gateway_settings):
    query = "{ customers(first: 50) { edges { node { orders(first: 30) { totalCount } } } } }"
    async with gateway(gateway_settings, max_query_cost=1000) as client:
        errors = await _errors(client, query)
        hidden = await _errors(client, "{ customers(first: 50) { edges { node { ...O } } } } "
                                       "fragment O on Customer { orders(first: 30) { totalCount } }")
    assert errors[0]["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 50 + 50 * 30, "limit": 1000}
    assert hidden[0]["extensions"]["cost"] == 50 + 50 * 30


async def test_introspection_and_graphiql_can_be_turned_off(gateway_settings):
    async with gateway(gateway_settings, introspection=False, graphiql=False) as client:
        errors = await _errors(client, "{ __schema { types { name } } }")
        page = await client.get("/graphql", headers={"accept": "text/html"})
    assert "introspection" in errors[0]["message"].lower()
    assert page.status_code == 404
    async with gateway(gateway_settings) as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_cors_allows_only_the_configured_dashboard_origin(gateway_settings):
    preflight = {"access-control-request-method": "POST", "access-control-request-headers": "authorization"}
    async with gateway(gateway_settings, cors_origins=["https://admin.shop.example"]) as client:
        allowed = await client.options("/graphql", headers={"origin": "https://admin.shop.example", **preflight})
        other = await client.options("/graphql", headers={"origin": "https://evil.example", **preflight})
    assert allowed.headers["access-control-allow-origin"] == "https://admin.shop.example"
    assert "access-control-allow-origin" not in other.headers


def test_cors_origins_read_from_a_comma_separated_variable(monkeypatch):
    from gateway.settings import GatewaySettings
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    assert GatewaySettings().cors_origins == ["https://a.example", "https://b.example"]


async def test_the_same_query_text_is_costed_with_each_request_variables(gateway_settings):
    query = "query($n: Int!) { customers(first: $n) { edges { node { orders(first: 50) { totalCount } } } } }"
    async with gateway(gateway_settings, max_query_cost=1000, live_updates=False) as client:
        small = await client.post("/graphql", json={"query": query, "variables": {"n": 2}})
        large = await _errors(client, query, n=40)
    assert all(e["extensions"]["code"] != "QUERY_TOO_COSTLY" for e in small.json().get("errors", []))
    assert large[0]["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 40 + 40 * 50, "limit": 1000}
