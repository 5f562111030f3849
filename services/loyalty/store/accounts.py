"""AccountStore: one document per member with balance, lifetime and qualifying points and the current tier."""
from pymongo import ASCENDING, ReturnDocument, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

Session = AsyncClientSession | None

# credited - debited == balance, always; lifetime is what was earned (clawbacks take it back).
ZERO = {"balance": 0, "lifetimePoints": 0, "credited": 0, "debited": 0, "shortfall": 0, "qualifyingPoints": 0,
        "version": 0}


class AccountStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["accounts"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("programId", ASCENDING), ("tier", ASCENDING)])
        await self.collection.create_index([("periodKey", ASCENDING)])

    async def get(self, customer_id: str, session: Session = None) -> dict | None:
        return await self.collection.find_one({"_id": customer_id}, session=session)

    async def many(self, customer_ids: list[str], session: Session = None) -> dict[str, dict]:
        docs = await self.collection.find({"_id": {"$in": customer_ids}}, session=session).to_list()
        return {d["_id"]: d for d in docs}

    async def change(self, customer_id: str, inc: dict, set_fields: dict, session: AsyncClientSession,
                     condition: dict | None = None) -> dict | None:
        """Applies increments atomically; with a condition (e.g. enough balance) it may match nothing -> None.

        Unconditional changes create the account on first use.
        """
        query = {"_id": customer_id, **(condition or {})}
        update = {"$inc": inc, "$set": set_fields}
        if condition is None:
            update["$setOnInsert"] = {k: 0 for k in ZERO if k not in inc and k not in set_fields}
        return await self.collection.find_one_and_update(
            query, update, upsert=condition is None, return_document=ReturnDocument.AFTER, session=session)

    async def change_many(self, changes: dict[str, tuple[dict, dict]], session: AsyncClientSession) -> None:
        """Unconditional changes, customer id -> ($inc, $set), in one write; accounts are created on first use."""
        await self.collection.bulk_write([
            UpdateOne({"_id": customer_id}, {"$inc": inc, "$set": fields, "$setOnInsert": {
                k: 0 for k in ZERO if k not in inc and k not in fields}}, upsert=True)
            for customer_id, (inc, fields) in changes.items()], ordered=False, session=session)

    async def reset_standing(self, customer_id: str, fields: dict, session: AsyncClientSession) -> int:
        """Sets the tier fields and bumps the version; returns the new version."""
        after = await self.collection.find_one_and_update(
            {"_id": customer_id}, {"$set": fields, "$inc": {"version": 1}}, return_document=ReturnDocument.AFTER,
            session=session)
        return after["version"]

    async def mark_deleted(self, customer_id: str, at, session: AsyncClientSession) -> None:
        """The account stays (its balance still counts as outstanding in analytics); it is only marked. The version
        does not move: nothing about the points changed."""
        await self.collection.update_one({"_id": customer_id}, {"$set": {"deleted": True, "deletedAt": at}},
                                         session=session)

    async def outside_period(self, period_key: str, limit: int) -> list[dict]:
        return await self.collection.find({"periodKey": {"$ne": period_key}}).limit(limit).to_list()

    async def by_ids(self, customer_ids: list[str]) -> list[dict]:
        return await self.collection.find({"_id": {"$in": customer_ids}}).to_list()

    async def tier_breakdown(self, program_id: str) -> dict[str, dict]:
        cursor = await self.collection.aggregate([
            {"$match": {"programId": program_id}},
            {"$group": {"_id": "$tier", "members": {"$sum": 1}, "balance": {"$sum": "$balance"}}},
        ])
        return {row["_id"]: row for row in await cursor.to_list()}
