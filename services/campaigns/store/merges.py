"""MergeWrites: what customer.merged changes in campaigns: the merged customer's messages are the kept customer's
from now on, and the merged id's recipient entry becomes a tombstone naming the kept customer."""
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

CHANNELS = ("email", "sms")


class MergeWrites:
    def __init__(self, db: AsyncDatabase):
        self.messages = db["messages"]
        self.recipients = db["recipients"]

    async def ensure_indexes(self) -> None:
        """Served by the messages' (customerId, createdAt) index and the recipients' _id."""

    async def move_messages(self, merged_id: str, kept_id: str, session: AsyncClientSession) -> int:
        """Re-pointed, not copied: a message keeps its id (the campaign's at-most-once key) and its outcome, and
        notes the id it was sent to (mergedFrom). Campaign counters are not touched: nothing was sent again."""
        result = await self.messages.update_many({"customerId": merged_id},
                                                 {"$set": {"customerId": kept_id, "mergedFrom": merged_id}},
                                                 session=session)
        return result.modified_count

    async def retire_recipient(self, merged_id: str, kept_id: str, as_of: datetime,
                               session: AsyncClientSession) -> None:
        """The merged id's read model becomes a tombstone (no contact details, never targeted: the same shape a
        deleted customer leaves, with mergedInto). An unsubscribe made under the merged id carries over to the
        kept customer: a person who said stop on a channel is not messaged there again under their other id."""
        merged = await self.recipients.find_one({"_id": merged_id}, session=session) or {}
        stopped = {f"unsubscribed.{channel}": True for channel in CHANNELS
                   if (merged.get("unsubscribed") or {}).get(channel)}
        if stopped:
            await self.recipients.update_one({"_id": kept_id}, {"$set": stopped}, session=session)
        await self.recipients.replace_one({"_id": merged_id},
                                          {"deleted": True, "mergedInto": kept_id, "asOf": as_of},
                                          upsert=True, session=session)
