"""PaidOrderStore: one document per order loyalty has handled a payment (or a refund) of: what it earned, on what
amount, and what returns and a refund took back. The ledger holds the points; this holds the order's arithmetic,
also for orders that earned nothing (a suspended customer's), so that such an order never earns later."""
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.loyalty.domain.records import PaidOrder


def paid_order_doc(order: PaidOrder) -> dict:
    doc = {"_id": order.order_id, "customerId": order.customer_id, "outcome": order.outcome, "points": order.points,
           "baseMinor": order.base_minor, "programId": order.program_id, "period": order.period,
           "earnEntryId": order.earn_entry_id}
    if order.placed_at is not None or order.paid_at is not None:
        doc |= {"placedAt": order.placed_at, "paidAt": order.paid_at}
    return doc | {"returnedMinor": order.returned_minor, "takenBack": order.taken_back, "returns": list(order.returns),
                  "refunded": order.refunded, "createdAt": order.created_at}


def paid_order_of(doc: dict) -> PaidOrder:
    return PaidOrder(order_id=doc["_id"], customer_id=doc["customerId"], outcome=doc["outcome"], points=doc["points"],
                     base_minor=doc["baseMinor"], program_id=doc.get("programId"), period=doc.get("period"),
                     earn_entry_id=doc.get("earnEntryId"), created_at=doc.get("createdAt"),
                     returned_minor=doc.get("returnedMinor", 0), taken_back=doc.get("takenBack", 0),
                     returns=tuple(doc.get("returns", ())), refunded=doc.get("refunded", False),
                     placed_at=doc.get("placedAt"), paid_at=doc.get("paidAt"))


class PaidOrderStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["paid_orders"]

    async def ensure_indexes(self) -> None:
        """Keyed by the order id; nothing else to index."""

    async def seen(self, order_ids: list[str], session: AsyncClientSession) -> set[str]:
        docs = await self.collection.find({"_id": {"$in": order_ids}}, projection={"_id": 1},
                                          session=session).to_list()
        return {d["_id"] for d in docs}

    async def get(self, order_id: str, session: AsyncClientSession) -> PaidOrder | None:
        doc = await self.collection.find_one({"_id": order_id}, session=session)
        return paid_order_of(doc) if doc is not None else None

    async def insert_many(self, orders: list[PaidOrder], session: AsyncClientSession) -> None:
        if orders:
            await self.collection.insert_many([paid_order_doc(o) for o in orders], session=session)

    async def save(self, order: PaidOrder, session: AsyncClientSession) -> None:
        """The whole record, as it stands now (created if loyalty had not kept it yet)."""
        doc = paid_order_doc(order)
        await self.collection.replace_one({"_id": doc["_id"]}, doc, upsert=True, session=session)
