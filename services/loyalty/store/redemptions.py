"""RedemptionStore: issued reward codes, unique, with the request id that asked for each, and each code's status."""
from datetime import datetime

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.loyalty.domain.records import Redemption
from shared.data_export import read_all

# A code is issued, then consumed (once, by one order) or voided. Codes from before statuses existed have no status
# field and count as issued: hence "not consumed and not voided" rather than "issued".
STILL_ISSUED = {"status": {"$nin": ["consumed", "voided"]}}


def redemption_doc(r: Redemption) -> dict:
    doc = {"_id": r.id, "code": r.code, "customerId": r.customer_id, "programId": r.program_id,
           "rewardId": r.reward_id, "rewardName": r.reward_name, "type": r.type, "value": r.value, "points": r.points,
           "balanceAfter": r.balance_after, "entryId": r.entry_id, "createdAt": r.created_at, "status": r.status}
    optional = {"stockTaken": r.stock_taken, "requestId": r.request_id, "orderId": r.order_id,
                "consumedAt": r.consumed_at, "voidedAt": r.voided_at, "voidReason": r.void_reason}
    return doc | {k: v for k, v in optional.items() if v is not None}


def redemption_of(doc: dict) -> Redemption:
    """Codes from before statuses existed have none: they are issued."""
    return Redemption(id=doc["_id"], code=doc["code"], customer_id=doc["customerId"], program_id=doc["programId"],
                      reward_id=doc["rewardId"], reward_name=doc["rewardName"], type=doc["type"], value=doc["value"],
                      points=doc["points"], balance_after=doc["balanceAfter"], entry_id=doc.get("entryId"),
                      created_at=doc["createdAt"], status=doc.get("status", "issued"),
                      stock_taken=doc.get("stockTaken"), request_id=doc.get("requestId"),
                      order_id=doc.get("orderId"), consumed_at=doc.get("consumedAt"), voided_at=doc.get("voidedAt"),
                      void_reason=doc.get("voidReason"))


def _record(doc: dict | None) -> Redemption | None:
    return redemption_of(doc) if doc is not None else None


class RedemptionStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["redemptions"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("code", ASCENDING)], unique=True)
        await self.collection.create_index([("customerId", ASCENDING), ("requestId", ASCENDING)], unique=True,
                                           partialFilterExpression={"requestId": {"$type": "string"}})
        await self.collection.create_index([("programId", ASCENDING), ("createdAt", ASCENDING)])
        # A person's codes for their data export (the (customerId, requestId) index is partial: never planned).
        await self.collection.create_index([("customerId", ASCENDING), ("createdAt", ASCENDING), ("_id", ASCENDING)])

    async def insert(self, redemption: Redemption, session: AsyncClientSession) -> None:
        await self.collection.insert_one(redemption_doc(redemption), session=session)

    async def by_request(self, customer_id: str, request_id: str) -> Redemption | None:
        return _record(await self.collection.find_one({"customerId": customer_id, "requestId": request_id}))

    async def by_code(self, code: str, session: AsyncClientSession | None = None) -> Redemption | None:
        return _record(await self.collection.find_one({"code": code}, session=session))

    async def mark_consumed(self, code: str, order_id: str, at: datetime) -> Redemption | None:
        """Issued -> consumed in one conditional write, so of many concurrent consumers exactly one wins.

        None: the code was not issued any more (consumed or voided meanwhile, or unknown)."""
        return _record(await self.collection.find_one_and_update(
            {"code": code, **STILL_ISSUED}, {"$set": {"status": "consumed", "orderId": order_id, "consumedAt": at}},
            return_document=ReturnDocument.AFTER))

    async def mark_voided(self, code: str, reason: str, at: datetime,
                          session: AsyncClientSession) -> Redemption | None:
        """Issued -> voided, in the caller's transaction (the points go back in the same one); None: not issued."""
        return _record(await self.collection.find_one_and_update(
            {"code": code, **STILL_ISSUED}, {"$set": {"status": "voided", "voidReason": reason, "voidedAt": at}},
            return_document=ReturnDocument.AFTER, session=session))

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

    async def all_for_customer(self, customer_id: str) -> list[Redemption]:
        """Every code issued to the customer, oldest first, for their data export (bounded: shared.data_export)."""
        docs = await read_all(self.collection, {"customerId": customer_id},
                              [("createdAt", ASCENDING), ("_id", ASCENDING)], what="redemptions")
        return [redemption_of(d) for d in docs]

    async def delete_for_customer(self, customer_id: str, session: AsyncClientSession) -> None:
        await self.collection.delete_many({"customerId": customer_id}, session=session)
