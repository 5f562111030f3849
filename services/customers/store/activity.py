"""ActivityStore: the customer timeline, newest first."""
import uuid

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.data_export import read_all
from shared.keyed_pages import KeyedPage, pages_by_key


class ActivityStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["activity"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customerId", ASCENDING), ("occurredAt", DESCENDING), ("_id", DESCENDING)])

    async def add(self, entry: dict, session: AsyncClientSession) -> str:
        activity_id = str(uuid.uuid4())
        await self.collection.insert_one({"_id": activity_id, **entry}, session=session)
        return activity_id

    async def add_many(self, entries: list[dict], session: AsyncClientSession) -> list[str]:
        """Several entries in one write; their ids in the same order."""
        docs = [{"_id": str(uuid.uuid4()), **entry} for entry in entries]
        if docs:
            await self.collection.insert_many(docs, session=session)
        return [doc["_id"] for doc in docs]

    async def page_for_customer(self, customer_id: str, limit: int, offset: int) -> KeyedPage:
        return (await self.pages_for_customers([customer_id], limit, offset))[customer_id]

    async def pages_for_customers(self, customer_ids: list[str], limit: int, offset: int) -> dict[str, KeyedPage]:
        """A page of activity, newest first, for each customer id, in one query."""
        return await pages_by_key(self.collection, "customerId", customer_ids,
                                  [("occurredAt", DESCENDING), ("_id", DESCENDING)], limit, offset)

    async def all_for_customer(self, customer_id: str) -> list[dict]:
        """The customer's whole timeline, newest first, for their data export (bounded: shared.data_export)."""
        return await read_all(self.collection, {"customerId": customer_id},
                              [("occurredAt", DESCENDING), ("_id", DESCENDING)], what="timeline entries")

    async def delete_for_customer(self, customer_id: str, session: AsyncClientSession) -> None:
        await self.collection.delete_many({"customerId": customer_id}, session=session)
