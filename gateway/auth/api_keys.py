"""API keys for integrations: created by an admin, shown once, stored only as a SHA-256 hash, revocable."""
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from pymongo.asynchronous.collection import AsyncCollection

from gateway.auth.roles import Role

PREFIX = "jtk_"


@dataclass(frozen=True)
class Caller:
    subject: str
    role: Role
    kind: str  # "token" or "api_key"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyStore:
    def __init__(self, collection: AsyncCollection):
        self.collection = collection

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("hash", unique=True)

    async def create(self, name: str, role: Role, created_by: str) -> tuple[dict, str]:
        """Returns the stored record and the key itself, which is never stored or shown again."""
        key = PREFIX + secrets.token_urlsafe(32)
        record = {"_id": str(uuid.uuid4()), "name": name, "role": role.value, "hash": _digest(key),
                  "hint": key[:len(PREFIX) + 4], "createdBy": created_by,
                  "createdAt": datetime.now(timezone.utc), "revokedAt": None}
        await self.collection.insert_one(record)
        return record, key

    async def revoke(self, key_id: str) -> dict | None:
        await self.collection.update_one({"_id": key_id, "revokedAt": None},
                                         {"$set": {"revokedAt": datetime.now(timezone.utc)}})
        return await self.collection.find_one({"_id": key_id})

    async def list(self) -> list[dict]:
        return await self.collection.find({}, projection={"hash": 0}).sort("createdAt", -1).to_list()

    async def caller_for(self, key: str) -> Caller | None:
        if not key.startswith(PREFIX):
            return None
        record = await self.collection.find_one({"hash": _digest(key), "revokedAt": None})
        if record is None:
            return None
        return Caller(subject=f"api-key:{record['name']}", role=Role(record["role"]), kind="api_key")
