"""Who is calling: a bearer token (JWT) or an API key, from the HTTP headers or a WebSocket's connection_init."""
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import jwt

from gateway.auth.api_keys import ApiKeyStore, looks_like_api_key
from gateway.auth.roles import Role
from gateway.auth.tokens import InvalidToken, read_token

if TYPE_CHECKING:
    from gateway.auth.oidc import OidcVerifier


@dataclass(frozen=True)
class Caller:
    subject: str
    role: Role
    via: str  # "token" (development HS256), "oidc" (the shop's identity provider) or "api-key"
    name: str | None = None  # a person's display name, from the token, for audit records
    email: str | None = None
    api_key_id: str | None = None


class AuthFailed(Exception):
    """Credentials were given but are not valid: the request is refused, not treated as anonymous."""


def credential_from(headers: Mapping[str, str]) -> str | None:
    """`Authorization: Bearer <token or key>`, or `X-Api-Key: <key>`; header names are case-insensitive."""
    lowered = {k.lower(): v for k, v in headers.items() if isinstance(v, str)}
    if api_key := lowered.get("x-api-key"):
        return api_key.strip()
    authorization = lowered.get("authorization", "").strip()
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() not in ("bearer", "apikey") or not value.strip():
        raise AuthFailed("Authorization must be 'Bearer <token>' or 'ApiKey <key>'")
    return value.strip()


class Authenticator:
    """Tells the credentials apart: an API key by its prefix; a bearer token by its unverified `iss`, which sends
    it to the shop's identity provider's verifier (OIDC) when it names that provider and to the development token
    check otherwise. Each path pins its own algorithms, so a token can't choose how it is checked."""

    def __init__(self, jwt_secret: str | None, api_keys: ApiKeyStore, oidc: "OidcVerifier | None" = None):
        self.jwt_secret = jwt_secret  # None: development tokens are off (production)
        self.api_keys = api_keys
        self.oidc = oidc

    async def caller(self, headers: Mapping[str, str]) -> Caller | None:
        """None for an anonymous request; AuthFailed for bad credentials."""
        credential = credential_from(headers)
        if credential is None:
            return None
        if looks_like_api_key(credential):
            record = await self.api_keys.verify(credential)
            if record is None:
                raise AuthFailed("API key is unknown or revoked")
            return Caller(subject=f"api-key:{record['_id']}", role=Role(record["role"]), via="api-key",
                          name=record.get("name"), api_key_id=record["_id"])
        if self.oidc is not None and self.oidc.issued_this(_unverified_claims(credential)):
            return await self.oidc.caller(credential)
        if self.jwt_secret is None:
            raise AuthFailed("bearer token rejected: development tokens are off in production; sign in through "
                             "the shop's identity provider")
        try:
            subject, role = read_token(self.jwt_secret, credential)
        except InvalidToken as exc:
            raise AuthFailed(f"bearer token rejected: {exc}") from exc
        return Caller(subject=subject, role=role, via="token")


def _unverified_claims(token: str) -> dict:
    """Read only to choose the path; nothing in them is trusted before that path verifies the token."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise AuthFailed(f"bearer token rejected: {exc}") from exc
    return claims if isinstance(claims, dict) else {}
