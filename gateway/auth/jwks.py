"""The identity provider's signing keys (its JWKS), fetched over HTTP without blocking, cached and refreshed.

The set is used for `cache_seconds`, then fetched again. A token naming a key the cached set lacks (the provider
rotated its keys) makes the set be fetched again at once, but never sooner than `refetch_seconds` after the last
fetch: tokens with random `kid`s cost the provider at most one request per that interval, whatever their number.
Concurrent callers share one fetch. When a refresh fails the keys already held stay in use (the provider being
down must not sign everybody out) and the next attempt waits `refetch_seconds`.
"""
import asyncio
import logging
import time
from collections.abc import Callable

import httpx
from jwt import PyJWK, PyJWKSet, PyJWTError

log = logging.getLogger(__name__)


class KeysUnavailable(Exception):
    """The key set could not be fetched and none is held."""


class UnknownKey(Exception):
    """The token names a key that is not in the provider's key set."""


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


class KeySet:
    def __init__(self, http: httpx.AsyncClient, issuer: str, jwks_url: str | None, *, cache_seconds: float,
                 refetch_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.http = http
        self.issuer = issuer
        self.jwks_url = jwks_url  # found by discovery on first use when not configured
        self.cache_seconds = cache_seconds
        self.refetch_seconds = refetch_seconds
        self.clock = clock
        self._keys: dict[str, PyJWK] | None = None
        self._expires_at = 0.0
        self._last_attempt: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> PyJWK:
        keys = await self._fresh_keys()
        if kid in keys:
            return keys[kid]
        async with self._lock:
            if self._keys is not None and kid in self._keys:  # another request fetched it meanwhile
                return self._keys[kid]
            if self._may_fetch():
                await self._fetch()
        if self._keys is not None and kid in self._keys:
            return self._keys[kid]
        raise UnknownKey(f"signing key {kid!r} is not in the identity provider's key set")

    async def _fresh_keys(self) -> dict[str, PyJWK]:
        if self._keys is not None and self.clock() < self._expires_at:
            return self._keys
        async with self._lock:
            expired = self._keys is None or self.clock() >= self._expires_at
            if expired and self._may_fetch():
                await self._fetch()
        if self._keys is None:
            raise KeysUnavailable("the identity provider's signing keys cannot be fetched right now; "
                                  "try again shortly")
        return self._keys

    def _may_fetch(self) -> bool:
        return self._last_attempt is None or self.clock() - self._last_attempt >= self.refetch_seconds

    async def _fetch(self) -> None:
        """Replaces the held keys; on failure keeps them (logged) and leaves the next attempt to the interval."""
        self._last_attempt = self.clock()
        try:
            url = self.jwks_url or await self._discover()
            self._keys = await self._download(url)
            self.jwks_url = url
            self._expires_at = self.clock() + self.cache_seconds
        except (httpx.HTTPError, ValueError, PyJWTError) as exc:
            log.warning("identity provider keys not fetched", extra={"error": str(exc)[:300]})
            self._expires_at = self.clock() + self.refetch_seconds

    async def _discover(self) -> str:
        document = await self._get_json(discovery_url(self.issuer))
        if document.get("issuer") != self.issuer:
            raise ValueError(f"discovery document names issuer {document.get('issuer')!r}, not {self.issuer!r}")
        if not isinstance(document.get("jwks_uri"), str):
            raise ValueError("discovery document has no jwks_uri")
        return document["jwks_uri"]

    async def _download(self, url: str) -> dict[str, PyJWK]:
        keys = PyJWKSet.from_dict(await self._get_json(url)).keys  # unusable keys are skipped by PyJWKSet
        signing = {key.key_id: key for key in keys if key.key_id and key.public_key_use in ("sig", None)}
        if not signing:
            raise ValueError("the key set holds no signing key with a kid")
        return signing

    async def _get_json(self, url: str) -> dict:
        response = await self.http.get(url)
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ValueError(f"{url} did not answer a JSON object")
        return document
