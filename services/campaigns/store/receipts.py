"""CallbackReceipts: one record per provider callback acted on, so that a replay of it is recognised.

The key is the callback's signature (our HMAC scheme) or what identifies it at Twilio (message sid and status);
`expiresAt` is when a replay could no longer pass anyway, or when Twilio has long stopped retrying, and a TTL index
removes the record after that.
"""
from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


class CallbackReceipts:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["callback_receipts"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("expiresAt", expireAfterSeconds=0)

    async def claim(self, key: str, expires_at: datetime, now: datetime) -> bool:
        """True for the first caller with this key; False when it was seen before (a replay or a repeat)."""
        try:
            await self.collection.insert_one({"_id": key, "expiresAt": expires_at, "receivedAt": now})
        except DuplicateKeyError:
            return False
        return True

    async def release(self, key: str) -> None:
        """Forgets a claimed callback whose work failed, so that the provider's retry of it is acted on."""
        await self.collection.delete_one({"_id": key})
