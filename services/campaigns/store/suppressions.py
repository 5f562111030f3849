"""SuppressionCopy: campaigns' own copy of the suppression list (hashed emails and phones of erased customers),
kept from customer.erased, so no campaign reaches an erased person's address again (shared.erasure hashes)."""
from datetime import datetime

from pymongo import UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.erasure import email_hash, phone_hash


class SuppressionCopy:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["suppressions"]

    async def ensure_indexes(self) -> None:
        """Keyed by the hash; nothing else to index."""

    async def add(self, digests: list[str], at: datetime, session: AsyncClientSession) -> None:
        writes = [UpdateOne({"_id": d}, {"$setOnInsert": {"at": at}}, upsert=True) for d in digests if d]
        if writes:
            await self.collection.bulk_write(writes, ordered=False, session=session)

    async def suppressed_addresses(self, addresses: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (channel, address) pairs are suppressed: email addresses and phone numbers, one query."""
        digests = {(email_hash(a) if channel == "email" else phone_hash(a)): (channel, a) for channel, a in addresses
                   if a}
        if not digests:
            return set()
        found = await self.collection.find({"_id": {"$in": list(digests)}}, projection={"_id": 1}).to_list()
        return {digests[d["_id"]] for d in found}
