"""MessageStore: one document per campaign and recipient; its _id is the at-most-once key."""
import contextlib
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from services.campaigns.domain.records import Message, Settlement
from services.campaigns.store.slices import SLICE, find_by_ids, slices
from shared.data_export import read_all
from shared.keyed_pages import pages_by_key


class MessageStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["messages"]

    async def ensure_indexes(self) -> None:
        # Every index costs each claim and settle (SecantusDB rewrites a document's entries in all of them), so
        # only what queries need: stale sends are found per sending campaign through (campaignId, status).
        await self.collection.create_index([("campaignId", ASCENDING), ("status", ASCENDING)])
        await self.collection.create_index([("campaignId", ASCENDING), ("createdAt", ASCENDING), ("_id", ASCENDING)])
        await self.collection.create_index([("customerId", ASCENDING), ("createdAt", DESCENDING), ("_id", DESCENDING)])
        existing = await self.collection.index_information()
        for retired in ("status_1_sendingAt_1", "providerId_1"):  # created by earlier versions
            if retired in existing:
                with contextlib.suppress(OperationFailure):  # another replica starting dropped it first
                    await self.collection.drop_index(retired)

    async def existing_ids(self, ids: list[str]) -> set[str]:
        return {d["_id"] for d in await find_by_ids(self.collection, ids, projection={"_id": 1})}

    async def insert(self, docs: list[dict], session: AsyncClientSession) -> None:
        if docs:
            await self.collection.insert_many(docs, session=session)

    async def claim(self, ids: list[str], token: str, now: datetime) -> list[str]:
        """queued -> sending under this claim token, recorded before any provider call; returns the ids this
        caller now owns (ids must be distinct)."""
        claimed = 0
        for part in slices(ids):
            result = await self.collection.update_many(
                {"_id": {"$in": part}, "status": "queued"},
                {"$set": {"status": "sending", "sendingAt": now, "claim": token}, "$inc": {"attempts": 1}})
            claimed += result.modified_count
        if claimed == len(ids):
            return ids
        return [d["_id"] for d in await find_by_ids(self.collection, ids, {"claim": token, "status": "sending"},
                                                    projection={"_id": 1})]

    async def settle(self, settlements: list[Settlement], session: AsyncClientSession) -> set[str]:
        """Moves claimed messages from sending to their outcome, in the caller's transaction; returns the ids it
        moved (one no longer sending under its claim is left alone, e.g. declared unknown as stale meanwhile)."""
        groups: dict[tuple, list[tuple[str, dict]]] = defaultdict(list)
        for settlement in settlements:
            fields = {"status": settlement.status, "finishedAt": settlement.finished_at, **settlement.fields}
            groups[(settlement.claim, tuple(sorted(fields)))].append((settlement.message_id, fields))
        moved: set[str] = set()
        for (token, names), group in groups.items():
            for start in range(0, len(group), SLICE):
                items = group[start:start + SLICE]
                ids = [mid for mid, _ in items]
                result = await self.collection.update_many(
                    {"_id": {"$in": ids}, "status": "sending", "claim": token}, _each_its_own(items, names),
                    session=session)
                if result.matched_count == len(ids):
                    moved.update(ids)
                else:  # rare: which ones it moved (they have this settle's finishedAt; the transaction sees it)
                    moved.update(d["_id"] for d in await find_by_ids(
                        self.collection, ids, {"claim": token, "finishedAt": items[0][1]["finishedAt"]},
                        projection={"_id": 1}, session=session))
        return moved

    async def release(self, message_id: str, token: str, error: str) -> None:
        """sending -> queued after an error that proves nothing went out, so it may be tried again."""
        await self.collection.update_one({"_id": message_id, "status": "sending", "claim": token},
                                         {"$set": {"status": "queued", "lastError": error}})

    async def stale_sending(self, campaign_ids: list[str], before: datetime, limit: int = 500) -> list[Message]:
        """Messages of these campaigns left 'sending' since before (only a sending campaign has any)."""
        docs = await self.collection.find({"campaignId": {"$in": campaign_ids}, "status": "sending",
                                           "sendingAt": {"$lt": before}}).limit(limit).to_list()
        return [Message.from_doc(d) for d in docs]

    async def get(self, message_id: str, session: AsyncClientSession | None = None) -> Message | None:
        doc = await self.collection.find_one({"_id": message_id}, session=session)
        return Message.from_doc(doc) if doc else None

    async def mark_opened(self, message_id: str, at: datetime, session: AsyncClientSession) -> bool:
        """Records the first open: true only for the first caller."""
        return await self._set_once(message_id, "openedAt", at, session)

    async def mark_clicked(self, message_id: str, at: datetime, session: AsyncClientSession) -> bool:
        """Records the first click: true only for the first caller."""
        return await self._set_once(message_id, "clickedAt", at, session)

    async def mark_unsubscribed(self, message_id: str, at: datetime, session: AsyncClientSession) -> bool:
        """Records the unsubscribe through this message: true only for the first caller."""
        return await self._set_once(message_id, "unsubscribedAt", at, session)

    async def mark_delivered(self, message_id: str, at: datetime, session: AsyncClientSession) -> bool:
        """sent -> delivered on the provider's receipt; false when the message is not (or no longer) sent."""
        return await self._move(message_id, ["sent"], {"status": "delivered", "deliveredAt": at}, session)

    async def mark_bounced(self, message_id: str, at: datetime, session: AsyncClientSession) -> bool:
        """sent or delivered -> bounced on the provider's receipt; false when it was neither."""
        return await self._move(message_id, ["sent", "delivered"], {"status": "bounced", "bouncedAt": at}, session)

    async def mark_unknown(self, message_id: str, sending_at: datetime, reason: str, at: datetime,
                           session: AsyncClientSession) -> bool:
        """sending -> unknown for a send interrupted since sending_at (not one claimed again meanwhile)."""
        return await self._move(message_id, ["sending"], {"status": "unknown", "reason": reason, "finishedAt": at},
                                session, also={"sendingAt": sending_at})

    async def _set_once(self, message_id: str, field: str, value: datetime, session: AsyncClientSession) -> bool:
        result = await self.collection.update_one({"_id": message_id, field: None},
                                                  {"$set": {field: value}}, session=session)
        return result.modified_count == 1

    async def _move(self, message_id: str, allowed: list[str], fields: dict,
                    session: AsyncClientSession, also: dict | None = None) -> bool:
        result = await self.collection.update_one({"_id": message_id, "status": {"$in": allowed}, **(also or {})},
                                                  {"$set": fields}, session=session)
        return result.modified_count == 1

    async def page_for_campaign(self, campaign_id: str, limit: int, offset: int,
                                status: str | None = None) -> tuple[list[Message], int]:
        query = {"campaignId": campaign_id, **({"status": status} if status else {})}
        items = await self.collection.find(query).sort([("createdAt", ASCENDING), ("_id", ASCENDING)]) \
            .skip(offset).limit(limit).to_list()
        return [Message.from_doc(d) for d in items], await self.collection.count_documents(query)

    async def pages_for_customers(self, customer_ids: list[str], limit: int,
                                  offset: int) -> dict[str, tuple[list[Message], int]]:
        """A page of messages, newest first, for each customer id (with how many it has in all), in one query."""
        pages = await pages_by_key(self.collection, "customerId", customer_ids,
                                   [("createdAt", DESCENDING), ("_id", DESCENDING)], limit, offset)
        return {key: ([Message.from_doc(d) for d in page.items], page.total) for key, page in pages.items()}

    async def erase_for_customer(self, customer_id: str, scrub: Callable[[str], str], at: datetime,
                                 session: AsyncClientSession) -> list[str]:
        """Overwrites the recipient's details in their messages: the address, the provider's answer, the links
        (rendered for them) and any reason text mentioning them; status, times and counters stay. An erased message
        is no longer found by its tracking or unsubscribe links. Returns the addresses it held (what to scrub
        elsewhere). `scrub(text)` overwrites the person's details in a text."""
        docs = await self.collection.find({"customerId": customer_id}, projection={"to": 1, "reason": 1},
                                          session=session).to_list()
        await self.collection.update_many({"customerId": customer_id},
                                          {"$set": {"to": None, "providerAnswer": None, "links": [], "erasedAt": at}},
                                          session=session)
        for doc in docs:
            if doc.get("reason") and scrub(doc["reason"]) != doc["reason"]:
                await self.collection.update_one({"_id": doc["_id"]}, {"$set": {"reason": scrub(doc["reason"])}},
                                                 session=session)
        return sorted({doc["to"] for doc in docs if doc.get("to")})

    async def all_for_customer(self, customer_id: str) -> list[Message]:
        """Every message to the customer, newest first, for their data export (bounded: shared.data_export)."""
        docs = await read_all(self.collection, {"customerId": customer_id},
                              [("createdAt", DESCENDING), ("_id", DESCENDING)], what="messages")
        return [Message.from_doc(d) for d in docs]


def _each_its_own(items: list[tuple[str, dict]], names: tuple[str, ...]) -> list[dict]:
    """An update pipeline in which each message takes its own values, found by its position in the batch: one
    write for the batch (SecantusDB charged twice as much for the same messages as one update each)."""
    at = {"$indexOfArray": [{"$literal": [mid for mid, _ in items]}, "$_id"]}
    return [{"$set": {name: {"$arrayElemAt": [{"$literal": [fields[name] for _, fields in items]}, at]}
                      for name in names}}]
