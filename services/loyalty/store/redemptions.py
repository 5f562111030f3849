"""RedemptionStore: issued reward codes, unique, with the request id that asked for each."""
from datetime import datetime

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase


class RedemptionStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["redemptions"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("code", ASCENDING)], unique=True)
        await self.collection.create_index([("customerId", ASCENDING), ("requestId", ASCENDING)], unique=True,
                                           partialFilterExpression={"requestId": {"$type": "string"}})
        await self.collection.create_index([("programId", ASCENDING), ("createdAt", ASCENDING)])

    async def insert(self, doc: dict, session: AsyncClientSession) -> None:
        await self.collection.insert_one(doc, session=session)

    async def by_request(self, customer_id: str, request_id: str) -> dict | None:
        return await self.collection.find_one({"customerId": customer_id, "requestId": request_id})

    async def top_rewards(self, program_id: str, since: datetime | None, until: datetime | None,
                          limit: int = 5) -> list[dict]:
        match: dict = {"programId": program_id}
        if since or until:
            match["createdAt"] = {**({"$gte": since} if since else {}), **({"$lt": until} if until else {})}
        cursor = await self.collection.aggregate([
            {"$match": match},
            {"$group": {"_id": "$rewardId", "name": {"$last": "$rewardName"}, "redemptions": {"$sum": 1},
                        "points": {"$sum": "$points"}}},
            {"$sort": {"redemptions": -1, "_id": 1}}, {"$limit": limit},
        ])
        return await cursor.to_list()

    async def delete_for_customer(self, customer_id: str, session: AsyncClientSession) -> None:
        await self.collection.delete_many({"customerId": customer_id}, session=session)
