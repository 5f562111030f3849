"""RecipientStore: the read model of customers' contact details, status and opt-ins, kept from customer.* events
(and from the customers service for an id no event has named yet).

A deleted customer leaves a tombstone, `{_id, deleted: true, asOf}` and nothing else: an older snapshot arriving
late can't bring them back, and the customers service is not asked about an id that is known to be gone."""
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.campaigns.store.slices import find_by_ids

LIVE = {"deleted": {"$ne": True}}


class RecipientStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["recipients"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("phone", sparse=True)  # SMS STOP names only the number

    async def upsert_contact(self, customer_id: str, contact: dict, as_of: datetime,
                             session: AsyncClientSession) -> None:
        """Applies a contact snapshot unless a newer one is already kept (events may arrive out of order)."""
        current = await self.collection.find_one({"_id": customer_id}, session=session)
        if current is not None and current.get("asOf") and current["asOf"] > as_of:
            return
        await self.collection.update_one({"_id": customer_id}, {"$set": {**contact, "asOf": as_of}},
                                         upsert=True, session=session)

    async def set_unsubscribed(self, customer_id: str, channel: str, value: bool,
                               session: AsyncClientSession | None = None) -> bool:
        result = await self.collection.update_one({"_id": customer_id},
                                                  {"$set": {f"unsubscribed.{channel}": value}}, session=session)
        return result.matched_count == 1

    async def mark_deleted(self, customer_id: str, as_of: datetime, session: AsyncClientSession) -> None:
        """Contact details go, a tombstone stays. Messages and counters are not touched: history stays."""
        await self.collection.replace_one({"_id": customer_id}, {"deleted": True, "asOf": as_of},
                                          upsert=True, session=session)

    async def mark_erased(self, customer_id: str, as_of: datetime, session: AsyncClientSession) -> dict | None:
        """As mark_deleted, and returns the entry as it was (its details are what erasure scrubs elsewhere).
        A tombstone's asOf is the erasure's time: a contact snapshot from before it can't bring the person back."""
        before = await self.collection.find_one({"_id": customer_id}, session=session)
        await self.collection.replace_one({"_id": customer_id}, {"deleted": True, "erased": True, "asOf": as_of},
                                          upsert=True, session=session)
        return before

    async def get(self, customer_id: str) -> dict | None:
        return await self.collection.find_one({"_id": customer_id, **LIVE})

    async def by_ids(self, ids: list[str]) -> dict[str, dict]:
        """The live customers among these ids (deleted ones and ids never heard of are absent)."""
        return {d["_id"]: d for d in await find_by_ids(self.collection, ids, LIVE)}

    async def known_ids(self, ids: list[str]) -> set[str]:
        """The ids this read model has heard of, deleted ones included."""
        return {d["_id"] for d in await find_by_ids(self.collection, ids, projection={"_id": 1})}

    async def by_phone(self, phone: str) -> list[dict]:
        return await self.collection.find({"phone": phone}).to_list()
