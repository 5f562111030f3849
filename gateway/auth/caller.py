"""Who is calling: a bearer token (JWT) or an API key, from the HTTP headers or a WebSocket's connection_init."""
from dataclasses import dataclass
from typing import Mapping

from gateway.auth.api_keys import ApiKeyStore, looks_like_api_key
from gateway.auth.roles import Role
from gateway.auth.tokens import InvalidToken, read_token


@dataclass(frozen=True)
class Caller:
    subject: str
    role: Role
    via: str  # "token" or "api-key"


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
    def __init__(self, jwt_secret: str, api_keys: ApiKeyStore):
        self.jwt_secret = jwt_secret
        self.api_keys = api_keys

    async def caller(self, headers: Mapping[str, str]) -> Caller | None:
        """None for an anonymous request; AuthFailed for bad credentials."""
        credential = credential_from(headers)
        if credential is None:
            return None
        if looks_like_api_key(credential):
            record = await self.api_keys.verify(credential)
            if record is None:
                raise AuthFailed("API key is unknown or revoked")
            return Caller(subject=f"api-key:{record['_id']}", role=Role(record["role"]), via="api-key")
        try:
            subject, role = read_token(self.jwt_secret, credential)
        except InvalidToken as exc:
            raise AuthFailed(f"bearer token rejected: {exc}") from exc
        return Caller(subject=subject, role=role, via="token")
