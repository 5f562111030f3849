"""OrderStore: orders with their items, one collection, keyed by the order id."""
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from shared.data_export import read_all
from shared.keyed_pages import KeyedPage, pages_by_key


class OrderAlreadyRecorded(Exception):
    """An order with this id exists; recording it again changes nothing."""


class OrderStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["orders"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customerId", ASCENDING), ("placedAt", DESCENDING), ("_id", DESCENDING)])

    async def insert(self, doc: dict, session: AsyncClientSession) -> None:
        doc.setdefault("placedBy", doc["customerId"])  # who placed it, kept when a merge moves it (store/stats.py)
        try:
            await self.collection.insert_one(doc, session=session)
        except DuplicateKeyError as exc:
            raise OrderAlreadyRecorded(doc["_id"]) from exc

    async def insert_many(self, docs: list[dict], session: AsyncClientSession) -> None:
        """Several new orders in one write (a batch of storefront orders, a bulk import)."""
        if not docs:
            return
        for doc in docs:
            doc.setdefault("placedBy", doc["customerId"])  # as insert: the dashboard counts buyers by it
        try:
            await self.collection.insert_many(docs, session=session)
        except DuplicateKeyError as exc:
            raise OrderAlreadyRecorded(", ".join(d["_id"] for d in docs)) from exc
        except BulkWriteError as exc:
            if all(error.get("code") == 11000 for error in exc.details.get("writeErrors", [])):
                raise OrderAlreadyRecorded(", ".join(d["_id"] for d in docs)) from exc
            raise

    async def many(self, order_ids: list[str], session: AsyncClientSession) -> list[dict]:
        return await self.collection.find({"_id": {"$in": order_ids}}, session=session).to_list()

    async def get(self, order_id: str, session: AsyncClientSession | None = None) -> dict | None:
        return await self.collection.find_one({"_id": order_id}, session=session)

    async def set_status(self, order_id: str, expected: str, target: str, changes: dict,
                         session: AsyncClientSession) -> dict | None:
        """Moves the status only if it is still `expected`, so two concurrent changes can't both apply."""
        return await self.collection.find_one_and_update(
            {"_id": order_id, "status": expected}, {"$set": {"status": target, **changes}},
            return_document=ReturnDocument.AFTER, session=session)

    async def add_return(self, order: dict, items: list[dict], record: dict, changes: dict,
                         session: AsyncClientSession) -> dict | None:
        """Applies a return only if the order is as it was read (status and what was returned), so two concurrent
        returns can't both take the same item back."""
        guard = {"_id": order["_id"], "status": order["status"],
                 "returnedMinor": order.get("returnedMinor")}  # None matches an order with no return yet
        return await self.collection.find_one_and_update(
            guard, {"$set": {"items": items, **changes}, "$inc": {"returnedMinor": record["amountMinor"]},
                    "$push": {"returns": record}},
            return_document=ReturnDocument.AFTER, session=session)

    async def page_for_customer(self, customer_id: str, limit: int, offset: int) -> KeyedPage:
        return (await self.pages_for_customers([customer_id], limit, offset))[customer_id]

    async def pages_for_customers(self, customer_ids: list[str], limit: int, offset: int) -> dict[str, KeyedPage]:
        """A page of orders, newest first, for each customer id, in one query."""
        return await pages_by_key(self.collection, "customerId", customer_ids,
                                  [("placedAt", DESCENDING), ("_id", DESCENDING)], limit, offset)

    async def all_for_customer(self, customer_id: str) -> list[dict]:
        """Every order of the customer, newest first, for their data export (bounded: shared.data_export)."""
        return await read_all(self.collection, {"customerId": customer_id},
                              [("placedAt", DESCENDING), ("_id", DESCENDING)], what="orders")

    async def delete_for_customer(self, customer_id: str, session: AsyncClientSession) -> None:
        await self.collection.delete_many({"customerId": customer_id}, session=session)
