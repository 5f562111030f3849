"""The OIDC verifier against a real HTTP identity provider on 127.0.0.1: what it accepts, everything it refuses,
how it caches the provider's keys and follows their rotation without letting unknown kids flood the provider."""
import asyncio
import base64
import hashlib
import hmac
import json
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from pydantic import ValidationError

from gateway.auth.caller import Authenticator, AuthFailed
from gateway.auth.jwks import KeySet
from gateway.auth.oidc import OidcConfig, OidcVerifier
from gateway.auth.roles import Role
from gateway.auth.tokens import issue_token
from gateway.settings import GatewaySettings
from tests.gateway.oidc_provider import AUDIENCE

ROLE_MAP = {"shop-admins": Role.admin, "marketing": Role.marketer, "support": Role.support, "readers": Role.viewer}
CACHE_SECONDS, REFETCH_SECONDS = 300.0, 30.0


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
async def make_verifier(provider, clock):
    """make_verifier(**config overrides): a verifier on the test provider, its key set on the fake clock."""
    clients = []

    def make(*, discover: bool = False, **overrides) -> OidcVerifier:
        config = OidcConfig(**{"issuer": provider.issuer, "audience": AUDIENCE, "role_claim": "groups",
                               "role_map": ROLE_MAP, "jwks_url": None if discover else provider.jwks_url,
                               **overrides})
        http = httpx.AsyncClient(timeout=5)
        clients.append(http)
        keys = KeySet(http, config.issuer, config.jwks_url, cache_seconds=CACHE_SECONDS,
                      refetch_seconds=REFETCH_SECONDS, clock=clock)
        return OidcVerifier(config, keys)

    yield make
    for http in clients:
        await http.aclose()


@pytest.fixture
def verifier(make_verifier):
    return make_verifier()


async def refusal(verifier: OidcVerifier, token: str) -> str:
    with pytest.raises(AuthFailed) as refused:
        await verifier.caller(token)
    return str(refused.value)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hand_signed(header: dict, claims: dict, secret: bytes | None) -> str:
    """A token PyJWT refuses to make: `alg: none`, or HS256 keyed with a public key."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest() if secret else b""
    return f"{signing_input}.{_b64(signature)}"


# ---------------------------------------------------------------- accepted


async def test_a_valid_token_signs_in_with_the_mapped_role_and_the_persons_name(provider, verifier):
    key = provider.new_key()
    caller = await verifier.caller(provider.token(key))
    assert caller.role is Role.marketer and caller.via == "oidc"
    assert (caller.subject, caller.name, caller.email) == ("f3b1c2d4-ana", "Ana Lima", "ana@shop.example")


async def test_an_ec_key_works_too_and_the_username_stands_in_for_a_missing_name(provider, verifier):
    key = provider.new_key("ES256")
    caller = await verifier.caller(provider.token(key, name=None, email=None))
    assert (caller.role, caller.name, caller.email) == (Role.marketer, "ana", None)


@pytest.mark.parametrize("groups, role", [
    (["support", "marketing", "shop-admins"], Role.admin),
    (["readers", "support"], Role.support),
    (["support", "marketing"], Role.marketer),
    (["readers", "unmapped"], Role.viewer),
    ("shop-admins", Role.admin),  # a single group as a string
])
async def test_the_most_privileged_mapped_group_wins(provider, verifier, groups, role):
    key = provider.new_key()
    assert (await verifier.caller(provider.token(key, groups=groups))).role is role


async def test_keycloak_realm_roles_are_reached_by_a_dotted_path(provider, make_verifier):
    verifier = make_verifier(role_claim="realm_access.roles")
    key = provider.new_key()
    token = provider.token(key, groups=None, realm_access={"roles": ["offline_access", "support"]})
    assert (await verifier.caller(token)).role is Role.support


async def test_a_namespaced_claim_with_dots_in_its_name_is_read_whole(provider, make_verifier):
    verifier = make_verifier(role_claim="https://shop.example/roles")
    key = provider.new_key()
    token = provider.token(key, groups=None, **{"https://shop.example/roles": ["readers"]})
    assert (await verifier.caller(token)).role is Role.viewer


async def test_clock_skew_within_the_leeway_is_tolerated(provider, verifier):
    key = provider.new_key()
    now = int(time.time())
    caller = await verifier.caller(provider.token(key, exp=now - 10, iat=now + 10, nbf=now + 10))
    assert caller.role is Role.marketer


async def test_the_key_set_url_is_discovered_from_the_issuer(provider, make_verifier):
    verifier = make_verifier(discover=True)
    key = provider.new_key()
    assert (await verifier.caller(provider.token(key))).role is Role.marketer
    await verifier.caller(provider.token(key))
    assert (provider.discovery_fetches, provider.jwks_fetches) == (1, 1)


# ---------------------------------------------------------------- refused

def _expired(provider, key):
    return provider.token(key, iat=int(time.time()) - 3600, exp=int(time.time()) - 120)


def _not_yet_valid(provider, key):
    return provider.token(key, nbf=int(time.time()) + 300)


def _issued_in_the_future(provider, key):
    return provider.token(key, iat=int(time.time()) + 300)


def _wrong_issuer(provider, key):
    return provider.token(key, iss="https://evil.example/realms/shop")


def _wrong_audience(provider, key):
    return provider.token(key, aud="another-app")


def _no_expiry(provider, key):
    return provider.token(key, exp=None)


def _no_subject(provider, key):
    return provider.token(key, sub=None)


def _unknown_kid(provider, key):
    return provider.token(key, kid="not-in-the-key-set")


def _forged(provider, key):
    """Signed with a key the provider never published, under the kid of one it did."""
    return provider.token(provider.new_key(publish=False), kid=key.kid)


def _alg_none(provider, key):
    return _hand_signed({"alg": "none", "typ": "JWT", "kid": key.kid}, provider.claims(), None)


def _hmac_with_the_public_key(provider, key):
    """Algorithm confusion: HS256 keyed with the provider's public key, which anyone can download."""
    pem = key.private.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    return _hand_signed({"alg": "HS256", "typ": "JWT", "kid": key.kid}, provider.claims(), pem)


def _algorithm_of_another_key_type(provider, key):
    """An EC signature presented under the kid of the RSA key."""
    return provider.token(provider.new_key("ES256", publish=False), kid=key.kid)


def _no_role_claim(provider, key):
    return provider.token(key, groups=None)


def _unmapped_groups(provider, key):
    return provider.token(key, groups=["everyone", "warehouse"])


def _role_claim_not_text(provider, key):
    return provider.token(key, groups={"admin": True})


def _no_kid(provider, key):
    return jwt.encode(provider.claims(), key.private, algorithm="RS256")


REFUSALS = [
    (_expired, "expired"), (_not_yet_valid, "not yet valid (nbf)"), (_issued_in_the_future, "not yet valid (iat)"),
    (_wrong_issuer, "Invalid issuer"), (_wrong_audience, "Audience doesn't match"), (_no_expiry, '"exp"'),
    (_no_subject, '"sub"'),
    (_unknown_kid, "'not-in-the-key-set' is not in the identity provider's key set"),
    (_forged, "Signature verification failed"), (_alg_none, "algorithm 'none' is not accepted"),
    (_hmac_with_the_public_key, "algorithm 'HS256' is not accepted"),
    (_algorithm_of_another_key_type, "is for RS256, the token says ES256"),
    (_no_role_claim, "carries no 'groups' claim"), (_role_claim_not_text, "carries no 'groups' claim"),
    (_unmapped_groups, "none of your groups in 'groups' gives a role here"), (_no_kid, "names no signing key"),
]


@pytest.mark.parametrize("make_token, reason", REFUSALS, ids=[make.__name__.strip("_") for make, _ in REFUSALS])
async def test_a_bad_token_is_refused_with_the_reason(provider, make_verifier, make_token, reason):
    verifier = make_verifier(algorithms=("RS256", "ES256"))
    key = provider.new_key()
    assert reason in await refusal(verifier, make_token(provider, key))


async def test_a_token_with_a_refused_algorithm_costs_no_key_fetch(provider, verifier):
    key = provider.new_key()
    await refusal(verifier, _alg_none(provider, key))
    await refusal(verifier, _hmac_with_the_public_key(provider, key))
    assert provider.jwks_fetches == 0


async def test_an_unreachable_provider_refuses_with_a_clear_message(provider, verifier):
    key = provider.new_key()
    provider.stop()
    assert "signing keys cannot be fetched right now" in await refusal(verifier, provider.token(key))


# ---------------------------------------------------------------- caching and rotation


async def test_many_requests_share_one_key_set_fetch(provider, verifier):
    key = provider.new_key()
    tokens = [provider.token(key, sub=f"person-{n}") for n in range(30)]
    callers = await asyncio.gather(*(verifier.caller(token) for token in tokens))
    callers += [await verifier.caller(token) for token in tokens]
    assert {caller.subject for caller in callers} == {f"person-{n}" for n in range(30)}
    assert provider.jwks_fetches == 1


async def test_a_rotated_key_is_fetched_when_a_token_names_it(provider, verifier, clock):
    old = provider.new_key()
    await verifier.caller(provider.token(old))
    clock.advance(REFETCH_SECONDS)
    new = provider.new_key()  # published only now, after the gateway cached the set
    assert (await verifier.caller(provider.token(new))).role is Role.marketer
    assert provider.jwks_fetches == 2
    assert (await verifier.caller(provider.token(old))).role is Role.marketer  # both keys are in the new set


async def test_a_key_published_just_after_a_fetch_waits_for_the_refetch_interval(provider, verifier, clock):
    await verifier.caller(provider.token(provider.new_key()))
    new = provider.new_key()
    assert "not in the identity provider's key set" in await refusal(verifier, provider.token(new))
    clock.advance(REFETCH_SECONDS)
    assert (await verifier.caller(provider.token(new))).role is Role.marketer
    assert provider.jwks_fetches == 2


async def test_random_kids_cost_the_provider_one_fetch_per_interval(provider, verifier, clock):
    key = provider.new_key()
    await verifier.caller(provider.token(key))
    for round_ in range(3):
        clock.advance(REFETCH_SECONDS)
        reasons = [await refusal(verifier, provider.token(key, kid=f"random-{round_}-{n}")) for n in range(40)]
        assert all("not in the identity provider's key set" in reason for reason in reasons)
        assert provider.jwks_fetches == 2 + round_


async def test_a_withdrawn_key_is_refused_once_the_cached_set_expires(provider, verifier, clock):
    old, new = provider.new_key(), provider.new_key()
    old_token = provider.token(old)
    await verifier.caller(old_token)
    provider.withdraw(old)
    clock.advance(CACHE_SECONDS - 1)
    assert (await verifier.caller(old_token)).role is Role.marketer  # still cached: the documented window
    clock.advance(1)
    assert "not in the identity provider's key set" in await refusal(verifier, old_token)
    assert (await verifier.caller(provider.token(new))).role is Role.marketer
    assert provider.jwks_fetches == 2


async def test_keys_held_stay_in_use_while_the_provider_is_down(provider, verifier, clock):
    key = provider.new_key()
    await verifier.caller(provider.token(key))
    provider.stop()
    clock.advance(CACHE_SECONDS + 1)
    assert (await verifier.caller(provider.token(key))).role is Role.marketer


# ---------------------------------------------------------------- choosing the path


async def test_the_issuer_claim_chooses_the_path_and_each_path_pins_its_algorithm(provider, verifier):
    key = provider.new_key()
    secret = "dev-secret-that-is-long-enough-for-hs256"
    both = Authenticator(secret, api_keys=None, oidc=verifier)  # bearer tokens never reach the key store
    bearer = lambda token: {"authorization": f"Bearer {token}"}  # noqa: E731

    assert (await both.caller(bearer(provider.token(key)))).via == "oidc"
    assert (await both.caller(bearer(issue_token(secret, "dev", Role.admin)))).via == "token"
    # HS256 with the development secret but claiming the provider's issuer: checked as a provider token, refused.
    claiming = jwt.encode({**provider.claims(), "role": "admin"}, secret, algorithm="HS256", headers={"kid": key.kid})
    with pytest.raises(AuthFailed, match="algorithm 'HS256' is not accepted"):
        await both.caller(bearer(claiming))
    # The provider's RS256 signature under another issuer: checked as a development token, refused.
    with pytest.raises(AuthFailed, match="bearer token rejected"):
        await both.caller(bearer(provider.token(key, iss="https://elsewhere.example")))


async def test_with_development_tokens_off_only_provider_tokens_sign_in(provider, verifier):
    key = provider.new_key()
    production = Authenticator(None, api_keys=None, oidc=verifier)
    dev_token = issue_token("dev-secret-that-is-long-enough-for-hs256", "dev", Role.admin)
    with pytest.raises(AuthFailed, match="development tokens are off in production"):
        await production.caller({"authorization": f"Bearer {dev_token}"})
    assert (await production.caller({"authorization": f"Bearer {provider.token(key)}"})).role is Role.marketer
    with pytest.raises(AuthFailed, match="development tokens are off in production"):
        await Authenticator(None, api_keys=None).caller({"authorization": f"Bearer {provider.token(key)}"})


# ---------------------------------------------------------------- settings


def test_settings_read_the_role_map_from_pairs_or_json(monkeypatch):
    monkeypatch.setenv("OIDC_ISSUER", "https://id.shop.example/realms/shop")
    monkeypatch.setenv("OIDC_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("OIDC_ROLE_MAP", " shop-admins=admin, marketing=marketer ,support=support")
    monkeypatch.setenv("OIDC_ALGORITHMS", "RS256, PS256")
    settings = GatewaySettings()
    assert settings.oidc_role_map == {"shop-admins": Role.admin, "marketing": Role.marketer, "support": Role.support}
    assert settings.oidc_algorithms == ["RS256", "PS256"]
    monkeypatch.setenv("OIDC_ROLE_MAP", '{"cn=admins,ou=groups": "admin"}')
    assert GatewaySettings().oidc_role_map == {"cn=admins,ou=groups": Role.admin}
    config = OidcConfig.from_settings(GatewaySettings())
    assert (config.issuer, config.audience, config.role_claim, config.leeway_seconds) == (
        "https://id.shop.example/realms/shop", AUDIENCE, "groups", 30)


def test_without_an_issuer_oidc_is_off():
    assert OidcConfig.from_settings(GatewaySettings()) is None


@pytest.mark.parametrize("overrides, message", [
    ({"oidc_algorithms": "RS256,HS256"}, "refused: HS256"),
    ({"oidc_algorithms": "none"}, "refused: none"),
    ({"oidc_role_map": "marketing=superuser"}, "Input should be 'admin'"),
    ({"oidc_role_map": "marketing"}, "entries read group=role"),
    ({"oidc_audience": None}, "OIDC_AUDIENCE is required"),
    ({"oidc_role_map": ""}, "OIDC_ROLE_MAP is required"),
    ({"oidc_issuer": "id.shop.example"}, "https:// issuer URL"),
])
def test_unsafe_or_incomplete_oidc_settings_are_refused_at_start(overrides, message):
    values = {"oidc_issuer": "https://id.shop.example/", "oidc_audience": AUDIENCE,
              "oidc_role_map": "marketing=marketer", **overrides}
    with pytest.raises(ValidationError, match=message):
        GatewaySettings(**values)
