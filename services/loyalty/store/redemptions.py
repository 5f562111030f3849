"""RedemptionStore: issued reward codes, unique, with the request id that asked for each, and each code's status."""
from datetime import datetime

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

# A code is issued, then consumed (once, by one order) or voided. Codes from before statuses existed have no status
# field and count as issued: hence "not consumed and not voided" rather than "issued".
STILL_ISSUED = {"status": {"$nin": ["consumed", "voided"]}}


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

    async def by_code(self, code: str, session: AsyncClientSession | None = None) -> dict | None:
        return await self.collection.find_one({"code": code}, session=session)

    async def mark_consumed(self, code: str, order_id: str, at: datetime) -> dict | None:
        """Issued -> consumed in one conditional write, so of many concurrent consumers exactly one wins.

        None: the code was not issued any more (consumed or voided meanwhile, or unknown)."""
        return await self.collection.find_one_and_update(
            {"code": code, **STILL_ISSUED}, {"$set": {"status": "consumed", "orderId": order_id, "consumedAt": at}},
            return_document=ReturnDocument.AFTER)

    async def mark_voided(self, code: str, reason: str, at: datetime, session: AsyncClientSession) -> dict | None:
        """Issued -> voided, in the caller's transaction (the points go back in the same one); None: not issued."""
        return await self.collection.find_one_and_update(
            {"code": code, **STILL_ISSUED}, {"$set": {"status": "voided", "voidReason": reason, "voidedAt": at}},
            return_document=ReturnDocument.AFTER, session=session)

    async def top_rewards(self, program_id: str, since: datetime | None, until: datetime | None,
                          limit: int = 5) -> list[dict]:
        match: dict = {"programId": program_id, "status": {"$ne": "voided"}}  # a voided code redeemed nothing
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
