"""API keys for integrations: created by an admin, stored as a hash, revocable.

A key reads `cmsk_<id>_<secret>`. Only sha256(secret) is stored: the secret is 256 random bits, so a fast hash is
enough (no password stretching needed). Verified keys are cached for `cache_seconds`; a revocation is immediate on
the gateway that made it and reaches other replicas within that time. The cache is bounded (least recently used
keys go first) and holds only key ids that exist, so requests with made-up ids cannot grow it.
"""
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timezone

from cachetools import TTLCache
from pymongo.asynchronous.collection import AsyncCollection

from gateway.auth.roles import Role

PREFIX = "cmsk_"


def looks_like_api_key(credential: str) -> bool:
    return credential.startswith(PREFIX)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(key: str) -> tuple[str, str] | None:
    body = key.removeprefix(PREFIX)
    key_id, _, secret = body.partition("_")
    return (key_id, secret) if key.startswith(PREFIX) and key_id and secret else None


class ApiKeyStore:
    def __init__(self, collection: AsyncCollection, cache_seconds: float = 30.0, cache_size: int = 1000, *,
                 clock: Callable[[], float] = time.monotonic):
        self.collection = collection
        self.cache_seconds = cache_seconds
        # Key id -> its record (revoked ones too: they are real keys, refused on every use).
        self._cache: TTLCache[str, dict] = TTLCache(maxsize=cache_size, ttl=cache_seconds, timer=clock)

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("createdAt")

    async def create(self, name: str, role: Role, created_by: str) -> tuple[dict, str]:
        """Returns the stored record and the plaintext key, which is shown once and never stored."""
        key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        doc = {"_id": key_id, "name": name, "role": role.value, "secretHash": _digest(secret),
               "createdBy": created_by, "createdAt": datetime.now(timezone.utc), "revokedAt": None}
        await self.collection.insert_one(doc)
        return doc, f"{PREFIX}{key_id}_{secret}"

    async def revoke(self, key_id: str) -> dict | None:
        self._cache.pop(key_id, None)
        await self.collection.update_one({"_id": key_id, "revokedAt": None},
                                         {"$set": {"revokedAt": datetime.now(timezone.utc)}})
        return await self.collection.find_one({"_id": key_id})

    async def page(self, limit: int, offset: int) -> tuple[list[dict], int]:
        cursor = self.collection.find({}).sort([("createdAt", -1), ("_id", 1)]).skip(offset).limit(limit)
        return await cursor.to_list(), await self.collection.count_documents({})

    async def verify(self, key: str) -> dict | None:
        """The key's record if the key is genuine and not revoked, else None."""
        parts = _split(key)
        if parts is None:
            return None
        key_id, secret = parts
        record = await self._record(key_id)
        if record is None or record["revokedAt"] is not None:
            return None
        return record if hmac.compare_digest(record["secretHash"], _digest(secret)) else None

    async def _record(self, key_id: str) -> dict | None:
        cached = self._cache.get(key_id)
        if cached is not None:
            return cached
        record = await self.collection.find_one({"_id": key_id})
        if record is not None:  # an unknown id is asked of the database each time rather than remembered
            self._cache[key_id] = record
        return record
