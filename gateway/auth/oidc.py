"""Staff signing in with the shop's OpenID Connect provider: its access or ID tokens verified against its key set,
its groups mapped to our roles.

Everything about the token is pinned by our settings, never taken from the token: the issuer, the audience, the
accepted algorithms (asymmetric only) and the key, which must be in the provider's key set under the token's `kid`
and of the algorithm the token names.
"""
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
import jwt

from gateway.auth.caller import AuthFailed, Caller
from gateway.auth.jwks import KeySet, KeysUnavailable, UnknownKey
from gateway.auth.roles import Role
from gateway.settings import GatewaySettings

# When a caller's groups map to several roles the first of these wins. Marketer and support each hold permissions
# the other lacks; marketer comes first only so the choice is stable (docs/gateway.md, "Signing in").
PRECEDENCE = (Role.admin, Role.marketer, Role.support, Role.viewer)
REQUIRED_CLAIMS = ["iss", "aud", "sub", "exp", "iat"]


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    audience: str
    role_claim: str
    role_map: Mapping[str, Role]
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    leeway_seconds: float = 30
    jwks_url: str | None = None
    jwks_cache_seconds: float = 300
    jwks_refetch_seconds: float = 30
    http_timeout_seconds: float = 5

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> "OidcConfig | None":
        if not settings.oidc_issuer:
            return None
        return cls(issuer=settings.oidc_issuer, audience=settings.oidc_audience, role_claim=settings.oidc_role_claim,
                   role_map=dict(settings.oidc_role_map), algorithms=tuple(settings.oidc_algorithms),
                   leeway_seconds=settings.oidc_leeway_seconds, jwks_url=settings.oidc_jwks_url,
                   jwks_cache_seconds=settings.oidc_jwks_cache_seconds,
                   jwks_refetch_seconds=settings.oidc_jwks_refetch_seconds,
                   http_timeout_seconds=settings.oidc_http_timeout_seconds)


def claim_at(claims: Mapping, path: str):
    """The claim named `path`, or, when there is none, the one a dotted path reaches (Keycloak's
    `realm_access.roles`). The whole name is tried first because namespaced claims are URLs with dots in them."""
    if path in claims:
        return claims[path]
    value = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def role_for(groups: list[str], role_map: Mapping[str, Role]) -> Role | None:
    granted = {role_map[group] for group in groups if group in role_map}
    return next((role for role in PRECEDENCE if role in granted), None)


class OidcVerifier:
    def __init__(self, config: OidcConfig, keys: KeySet):
        self.config = config
        self.keys = keys

    def issued_this(self, unverified_claims: Mapping) -> bool:
        """Whether a token says it comes from our provider: it is then verified here, and only here."""
        return unverified_claims.get("iss") == self.config.issuer

    async def caller(self, token: str) -> Caller:
        claims = await self.verified_claims(token)
        return Caller(subject=claims["sub"], role=self._role(claims), via="oidc",
                      name=_text(claims.get("name")) or _text(claims.get("preferred_username")),
                      email=_text(claims.get("email")))

    async def verified_claims(self, token: str) -> dict:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthFailed(f"identity provider token rejected: {exc}") from exc
        algorithm, kid = header.get("alg"), header.get("kid")
        # Checked before any key is looked up, so an `alg: none` or HS256 token costs no key set fetch.
        if algorithm not in self.config.algorithms:
            raise AuthFailed(f"identity provider token rejected: algorithm {algorithm!r} is not accepted "
                             f"(accepted: {', '.join(self.config.algorithms)})")
        if not isinstance(kid, str) or not kid:
            raise AuthFailed("identity provider token rejected: its header names no signing key (kid)")
        try:
            key = await self.keys.key(kid)
        except (UnknownKey, KeysUnavailable) as exc:
            raise AuthFailed(f"identity provider token rejected: {exc}") from exc
        if key.algorithm_name != algorithm:  # an RSA key must not verify a token that says ES256, and so on
            raise AuthFailed(f"identity provider token rejected: key {kid!r} is for {key.algorithm_name}, "
                             f"the token says {algorithm}")
        try:
            return jwt.decode(token, key.key, algorithms=[algorithm], audience=self.config.audience,
                              issuer=self.config.issuer, leeway=self.config.leeway_seconds,
                              options={"require": REQUIRED_CLAIMS})
        except jwt.PyJWTError as exc:
            raise AuthFailed(f"identity provider token rejected: {exc}") from exc

    def _role(self, claims: Mapping) -> Role:
        value = claim_at(claims, self.config.role_claim)
        groups = [value] if isinstance(value, str) else value
        if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
            raise AuthFailed(f"identity provider token carries no {self.config.role_claim!r} claim (a string or a "
                             "list of strings) to give you a role; ask an admin to add it to the token")
        role = role_for(groups, self.config.role_map)
        if role is None:
            raise AuthFailed(f"none of your groups in {self.config.role_claim!r} gives a role here; ask an admin "
                             "to add you to a mapped group (OIDC_ROLE_MAP)")
        return role

    async def aclose(self) -> None:
        await self.keys.http.aclose()


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def oidc_verifier(config: OidcConfig | None) -> OidcVerifier | None:
    """A verifier with its own HTTP client (never the services' client, which carries the internal token)."""
    if config is None:
        return None
    http = httpx.AsyncClient(timeout=config.http_timeout_seconds, follow_redirects=False)
    keys = KeySet(http, config.issuer, config.jwks_url, cache_seconds=config.jwks_cache_seconds,
                  refetch_seconds=config.jwks_refetch_seconds)
    return OidcVerifier(config, keys)
