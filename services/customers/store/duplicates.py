"""DuplicateStore: groups of customers sharing a phone or a name-and-postal-code key, in key order.

Each page is one aggregation per reason over the indexed key, from the page's cursor on: customers are grouped by
the key once, never compared pair by pair. Merged customers are not in `customers` any more and erased ones have
neither a phone nor a key left, so neither is ever in a group."""
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase


class DuplicateStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["customers"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("phone", ASCENDING)], name="duplicates_phone")
        await self.collection.create_index([("nameZipKey", ASCENDING)], name="duplicates_name_zip")

    async def groups(self, field: str, from_key: str | None, limit: int) -> list[dict]:
        """Up to `limit` groups of two or more customers with the same `field`, keys from `from_key` on
        (inclusive), in key order: {_id: key, members: [{id, phone, nameZipKey}]}."""
        bound = {"$gte": from_key} if from_key is not None else {"$type": "string"}
        cursor = await self.collection.aggregate([
            {"$match": {field: bound}},
            {"$sort": {field: 1}},
            {"$group": {"_id": f"${field}", "count": {"$sum": 1},
                        "members": {"$push": {"id": "$_id", "phone": "$phone", "nameZipKey": "$nameZipKey"}}}},
            {"$match": {"count": {"$gte": 2}}},
            {"$sort": {"_id": 1}},
            {"$limit": limit},
        ])
        return await cursor.to_list()
