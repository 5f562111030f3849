"""ConfirmationStore: one record per double opt-in request (collection `consent_confirmations`), keyed by the
pending consent's id. It holds no address (the mail's recipient comes with the request event and is not kept)."""
from dataclasses import dataclass
from datetime import datetime

from pymongo import ASCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.data_export import read_all


@dataclass(frozen=True)
class Confirmation:
    consent_id: str
    customer_id: str
    requested_at: datetime
    expires_at: datetime
    sent_at: datetime | None = None
    confirmed_at: datetime | None = None
    failure: str | None = None

    @classmethod
    def from_doc(cls, doc: dict) -> "Confirmation":
        return cls(consent_id=doc["_id"], customer_id=doc["customerId"], requested_at=doc["requestedAt"],
                   expires_at=doc["expiresAt"], sent_at=doc.get("sentAt"), confirmed_at=doc.get("confirmedAt"),
                   failure=doc.get("failure"))


class ConfirmationStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["consent_confirmations"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customerId", ASCENDING)])

    async def get(self, consent_id: str, session: AsyncClientSession | None = None) -> Confirmation | None:
        doc = await self.collection.find_one({"_id": consent_id}, session=session)
        return Confirmation.from_doc(doc) if doc else None

    async def open(self, consent_id: str, customer_id: str, now: datetime, expires_at: datetime,
                   session: AsyncClientSession) -> Confirmation:
        """The request's record, made on first sight (a repeated request keeps the first)."""
        await self.collection.update_one(
            {"_id": consent_id},
            {"$setOnInsert": {"customerId": customer_id, "requestedAt": now, "expiresAt": expires_at}},
            upsert=True, session=session)
        return await self.get(consent_id, session)

    async def mark_sent(self, consent_id: str, now: datetime, session: AsyncClientSession,
                        failure: str | None = None) -> None:
        fields = {"sentAt": now} if failure is None else {"failure": failure}
        await self.collection.update_one({"_id": consent_id}, {"$set": fields}, session=session)

    async def mark_confirmed(self, consent_id: str, now: datetime, session: AsyncClientSession) -> bool:
        """True the first time; a second click confirms nothing more."""
        result = await self.collection.update_one({"_id": consent_id, "confirmedAt": None},
                                                  {"$set": {"confirmedAt": now}}, session=session)
        return result.modified_count == 1

    async def for_customer(self, customer_id: str) -> list[Confirmation]:
        """The customer's double opt-in requests, oldest first, for their data export (bounded:
        shared.data_export)."""
        docs = await read_all(self.collection, {"customerId": customer_id}, [("requestedAt", ASCENDING),
                                                                            ("_id", ASCENDING)],
                              what="double opt-in confirmations")
        return [Confirmation.from_doc(d) for d in docs]

    async def delete_for_customer(self, customer_id: str, session: AsyncClientSession) -> int:
        """Erasure: the customer's confirmation links stop resolving (a click on one already records nothing:
        customers ignores confirmations for an erased customer)."""
        result = await self.collection.delete_many({"customerId": customer_id}, session=session)
        return result.deleted_count

    async def move_to(self, merged_id: str, kept_id: str, session: AsyncClientSession) -> int:
        """Merge: a link still open confirms for the kept customer (customers moves the pending record too, and
        its grant goes to whoever owns the pending record, so this only keeps the record's id current)."""
        result = await self.collection.update_many({"customerId": merged_id}, {"$set": {"customerId": kept_id}},
                                                   session=session)
        return result.modified_count
