"""PaidOrderStore: one document per order loyalty has handled a payment (or a refund) of: what it earned, on what
amount, and what returns and a refund took back. The ledger holds the points; this holds the order's arithmetic,
also for orders that earned nothing (a suspended customer's), so that such an order never earns later."""
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

# outcome: earned | suspended (the customer was suspended when it was paid) | no-program (none active at placedAt)
#          | nothing (it came to zero points) | refunded-unpaid (the refund came first: it must never earn)


class PaidOrderStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["paid_orders"]

    async def ensure_indexes(self) -> None:
        """Keyed by the order id; nothing else to index."""

    async def seen(self, order_ids: list[str], session: AsyncClientSession) -> set[str]:
        docs = await self.collection.find({"_id": {"$in": order_ids}}, projection={"_id": 1},
                                          session=session).to_list()
        return {d["_id"] for d in docs}

    async def get(self, order_id: str, session: AsyncClientSession) -> dict | None:
        return await self.collection.find_one({"_id": order_id}, session=session)

    async def insert_many(self, docs: list[dict], session: AsyncClientSession) -> None:
        if docs:
            await self.collection.insert_many(docs, session=session)

    async def save(self, doc: dict, session: AsyncClientSession) -> None:
        await self.collection.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=session)
