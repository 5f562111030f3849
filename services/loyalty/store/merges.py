"""MergeStore: which customers were merged into which (one record per merged id: a merge moves points once), and
the writes a merge makes outside the ledger and the accounts (reward codes still open move to the kept customer)."""
from datetime import datetime

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.loyalty.store.ledger import CREDITS
from services.loyalty.store.redemptions import STILL_ISSUED


class MergeStore:
    def __init__(self, db: AsyncDatabase):
        self.merges = db["merges"]
        self.redemptions = db["redemptions"]
        self.ledger = db["ledger"]
        self.paid_orders = db["paid_orders"]

    async def ensure_indexes(self) -> None:
        """merges is keyed by the merged customer's id: that key is what makes a merge happen once. A merge finds
        the merged customer's paid orders by customer."""
        await self.paid_orders.create_index([("customerId", ASCENDING)])

    async def claim(self, merged_id: str, kept_id: str, at: datetime, event_id: str,
                    session: AsyncClientSession) -> bool:
        """Records the merge; False when this merged id was merged already (by this event or another one). Read
        first: a duplicate key error would abort the transaction. Two deliveries at once both insert, and the
        loser's transaction conflicts and, retried, reads the winner's record."""
        if await self.merges.find_one({"_id": merged_id}, projection={"_id": 1}, session=session) is not None:
            return False
        await self.merges.insert_one({"_id": merged_id, "keptId": kept_id, "at": at, "eventId": event_id},
                                     session=session)
        return True

    async def get(self, merged_id: str, session: AsyncClientSession | None = None) -> dict | None:
        return await self.merges.find_one({"_id": merged_id}, session=session)

    async def move_open_codes(self, merged_id: str, kept_id: str, session: AsyncClientSession) -> int:
        """Codes still issued can be used by the person under the kept id; consumed and voided ones stay under
        the merged id as history."""
        result = await self.redemptions.update_many({"customerId": merged_id, **STILL_ISSUED},
                                                    {"$set": {"customerId": kept_id, "mergedFrom": merged_id}},
                                                    session=session)
        return result.modified_count

    async def move_paid_orders(self, merged_id: str, kept_id: str, session: AsyncClientSession) -> int:
        """The orders' arithmetic follows the points: a return or refund after the merge takes back from the kept
        account, which now holds what those orders earned (the customers service moved the orders too)."""
        result = await self.paid_orders.update_many({"customerId": merged_id},
                                                    {"$set": {"customerId": kept_id, "mergedFrom": merged_id}},
                                                    session=session)
        return result.modified_count

    async def latest_credit_expiry(self, customer_id: str, session: AsyncClientSession) -> datetime | None:
        """When the customer's newest credit expires (their unspent points are their newest: debits take the
        oldest first)."""
        doc = await self.ledger.find_one({"customerId": customer_id, "kind": {"$in": CREDITS},
                                          "expiresAt": {"$type": "date"}},
                                         sort=[("expiresAt", -1)], projection={"expiresAt": 1}, session=session)
        return doc["expiresAt"] if doc else None
