"""MessageStore: one document per campaign and recipient; its _id is the at-most-once key."""
from datetime import datetime

from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase


class MessageStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["messages"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("campaignId", ASCENDING), ("status", ASCENDING)])
        await self.collection.create_index([("campaignId", ASCENDING), ("createdAt", ASCENDING), ("_id", ASCENDING)])
        await self.collection.create_index([("customerId", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)])
        await self.collection.create_index([("status", ASCENDING), ("sendingAt", ASCENDING)])
        await self.collection.create_index("providerId", sparse=True)

    async def existing_ids(self, ids: list[str]) -> set[str]:
        docs = await self.collection.find({"_id": {"$in": ids}}, projection={"_id": 1}).to_list()
        return {d["_id"] for d in docs}

    async def insert(self, docs: list[dict], session: AsyncClientSession) -> None:
        if docs:
            await self.collection.insert_many(docs, session=session)

    async def claim(self, ids: list[str], token: str, now: datetime) -> set[str]:
        """queued -> sending, recorded before any provider call; returns the ids this caller now owns."""
        await self.collection.update_many({"_id": {"$in": ids}, "status": "queued"},
                                          {"$set": {"status": "sending", "sendingAt": now, "claim": token},
                                           "$inc": {"attempts": 1}})
        owned = await self.collection.find({"_id": {"$in": ids}, "claim": token, "status": "sending"},
                                           projection={"_id": 1}).to_list()
        return {d["_id"] for d in owned}

    async def settle(self, outcomes: list[tuple[str, str, dict]], session: AsyncClientSession) -> None:
        """Moves claimed messages (id, token) from sending to their outcome, in the caller's transaction."""
        ops = [UpdateOne({"_id": mid, "status": "sending", "claim": token}, {"$set": fields})
               for mid, token, fields in outcomes]
        if ops:
            await self.collection.bulk_write(ops, ordered=False, session=session)

    async def release(self, message_id: str, token: str, error: str) -> None:
        """sending -> queued after an error that proves nothing went out, so it may be tried again."""
        await self.collection.update_one({"_id": message_id, "status": "sending", "claim": token},
                                         {"$set": {"status": "queued", "lastError": error}})

    async def stale_sending(self, before: datetime, limit: int = 500) -> list[dict]:
        return await self.collection.find({"status": "sending", "sendingAt": {"$lt": before}}).limit(limit).to_list()

    async def get(self, message_id: str, session: AsyncClientSession | None = None) -> dict | None:
        return await self.collection.find_one({"_id": message_id}, session=session)

    async def by_provider_id(self, provider_id: str) -> dict | None:
        return await self.collection.find_one({"providerId": provider_id})

    async def set_once(self, message_id: str, field: str, value: datetime, extra: dict,
                       session: AsyncClientSession) -> bool:
        """Sets a first-time marker (openedAt, clickedAt, ...): true only for the first caller."""
        result = await self.collection.update_one({"_id": message_id, field: None},
                                                  {"$set": {field: value, **extra}}, session=session)
        return result.modified_count == 1

    async def update_status(self, message_id: str, allowed: list[str], fields: dict,
                            session: AsyncClientSession, also: dict | None = None) -> bool:
        result = await self.collection.update_one({"_id": message_id, "status": {"$in": allowed}, **(also or {})},
                                                  {"$set": fields}, session=session)
        return result.modified_count == 1

    async def page_for_campaign(self, campaign_id: str, limit: int, offset: int,
                                status: str | None = None) -> tuple[list[dict], int]:
        query = {"campaignId": campaign_id, **({"status": status} if status else {})}
        items = await self.collection.find(query).sort([("createdAt", ASCENDING), ("_id", ASCENDING)]) \
            .skip(offset).limit(limit).to_list()
        return items, await self.collection.count_documents(query)

    async def page_for_customer(self, customer_id: str, limit: int, offset: int) -> tuple[list[dict], int]:
        query = {"customerId": customer_id}
        items = await self.collection.find(query).sort([("createdAt", DESCENDING), ("_id", DESCENDING)]) \
            .skip(offset).limit(limit).to_list()
        return items, await self.collection.count_documents(query)
