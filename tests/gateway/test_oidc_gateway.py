"""Signing in through the shop's identity provider, end to end: the gateway in front of the services, the provider
a real HTTP server on 127.0.0.1 publishing its keys."""
import asyncio
import time

import pytest

from gateway.auth.roles import Role
from gateway.auth.tokens import issue_token
from tests.gateway.oidc_provider import AUDIENCE
from tests.gateway.test_oidc import _alg_none, _hmac_with_the_public_key

READ_SEGMENTS = "{ segments(first: 5) { totalCount } }"
DELETE_CUSTOMER = 'mutation { deleteCustomer(id: "missing-id") { deleted } }'
CREATE_SEGMENT = 'mutation { createSegment(input: {name: "Big spenders", query: "total_spent >= 500"}) { slug } }'
AUDIT = "{ auditLog(first: 5, filter: {operation: \"createSegment\"}) { edges { node { outcome " \
        "actor { subject role name email via } } } } }"


@pytest.fixture
def gateway_settings(gateway_settings, provider, request):
    """The suite's gateway with OIDC on (plus any indirect parameters); the key set may be fetched again at once,
    so rotation shows without a wait (the refetch interval itself is covered in test_oidc.py)."""
    return gateway_settings.model_copy(update=dict(
        oidc_issuer=provider.issuer, oidc_audience=AUDIENCE, oidc_jwks_url=provider.jwks_url,
        oidc_role_claim="groups", oidc_jwks_refetch_seconds=0,
        oidc_role_map={"shop-admins": Role.admin, "marketing": Role.marketer, "support": Role.support},
        **getattr(request, "param", {})))


@pytest.fixture
def key(provider):
    return provider.new_key()


async def post(gateway_http, query: str, token: str) -> dict:
    response = await gateway_http.post("/graphql", json={"query": query}, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()


def codes(result: dict) -> list[str]:
    return [error["extensions"]["code"] for error in result.get("errors", [])]


async def test_a_marketing_member_reads_segments_but_may_not_delete_customers(gateway_http, provider, key,
                                                                             customers_transport):
    token = provider.token(key, groups=["marketing", "everyone"])
    read = await post(gateway_http, READ_SEGMENTS, token)
    assert "errors" not in read and isinstance(read["data"]["segments"]["totalCount"], int), read

    calls_before = len(customers_transport.paths)
    denied = await post(gateway_http, DELETE_CUSTOMER, token)
    assert codes(denied) == ["FORBIDDEN"] and denied["data"] is None
    assert "role marketer may not use Mutation.deleteCustomer" in denied["errors"][0]["message"]
    assert len(customers_transport.paths) == calls_before


async def test_an_admin_group_member_may_delete(gateway_http, provider, key):
    result = await post(gateway_http, DELETE_CUSTOMER, provider.token(key, groups=["marketing", "shop-admins"]))
    assert codes(result) == ["NOT_FOUND"]  # allowed through; the customer just doesn't exist


async def test_the_audit_trail_names_the_person_from_the_token(gateway_http, provider, key, graphql):
    created = await post(gateway_http, CREATE_SEGMENT, provider.token(key))
    assert created["data"]["createSegment"]["slug"]
    records = (await graphql(AUDIT))["data"]["auditLog"]["edges"]
    assert [record["node"] for record in records] == [{"outcome": "ok", "actor": {
        "subject": "f3b1c2d4-ana", "role": "marketer", "name": "Ana Lima", "email": "ana@shop.example", "via": "oidc"}}]


def _expired(provider, key):
    return provider.token(key, iat=int(time.time()) - 3600, exp=int(time.time()) - 600)


REFUSED = [
    (_expired, "Signature has expired"),
    (lambda provider, key: provider.token(key, aud="another-app"), "Audience doesn't match"),
    (lambda provider, key: provider.token(key, groups=["warehouse"]), "none of your groups"),
    (lambda provider, key: provider.token(key, kid="rotated-away"), "'rotated-away' is not in"),
    (lambda provider, key: provider.token(provider.new_key(publish=False), kid=key.kid),
     "Signature verification failed"),
    (_alg_none, "algorithm 'none' is not accepted"),
    (_hmac_with_the_public_key, "algorithm 'HS256' is not accepted"),
]


@pytest.mark.parametrize("make_token, reason", REFUSED, ids=["expired", "audience", "unmapped", "unknown-kid",
                                                             "forged", "alg-none", "hmac-public-key"])
async def test_a_bad_provider_token_is_refused_before_any_service_is_called(gateway_http, provider, key, make_token,
                                                                            reason, customers_transport):
    result = await post(gateway_http, READ_SEGMENTS, make_token(provider, key))
    assert codes(result) == ["UNAUTHENTICATED"] and result["data"] is None
    assert reason in result["errors"][0]["message"]
    assert customers_transport.paths == []


async def test_many_requests_cost_one_key_set_fetch(gateway_http, provider, key):
    tokens = [provider.token(key, sub=f"staff-{n}") for n in range(12)]
    results = await asyncio.gather(*(post(gateway_http, READ_SEGMENTS, token) for token in tokens))
    assert all("errors" not in result for result in results), results
    assert provider.jwks_fetches == 1


async def test_a_key_rotated_in_while_running_is_picked_up(gateway_http, provider, key):
    assert "errors" not in await post(gateway_http, READ_SEGMENTS, provider.token(key))
    new_key = provider.new_key()  # the provider rotates after the gateway cached its key set
    assert "errors" not in await post(gateway_http, READ_SEGMENTS, provider.token(new_key))
    assert provider.jwks_fetches == 2


async def test_development_tokens_and_api_keys_still_sign_in_beside_the_provider(gateway_http, graphql, provider,
                                                                                  key):
    created = await graphql('mutation { createApiKey(name: "ERP", role: viewer) { key } }')
    api_key = created["data"]["createApiKey"]["key"]
    assert "errors" not in await post(gateway_http, READ_SEGMENTS, api_key)
    assert "errors" not in await post(gateway_http, READ_SEGMENTS, provider.token(key))


@pytest.mark.parametrize("gateway_settings", [{"dev_tokens": False}], indirect=True)
async def test_with_development_tokens_off_the_provider_still_signs_staff_in(gateway_settings, gateway_http,
                                                                             provider, key):
    dev_token = issue_token(gateway_settings.jwt_secret.get_secret_value(), "dev", Role.admin)
    refused = await post(gateway_http, READ_SEGMENTS, dev_token)
    assert codes(refused) == ["UNAUTHENTICATED"]
    assert "development tokens are off in production" in refused["errors"][0]["message"]
    assert "errors" not in await post(gateway_http, READ_SEGMENTS, provider.token(key))
