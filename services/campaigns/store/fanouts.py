"""FanoutStore: which recorded messages may not have reached the broker yet, one record per fan-out chunk.

A chunk's record is written in the transaction that inserts its messages and deleted once its work items are
confirmed. It lives apart from the messages on purpose: by then workers are claiming and settling those
messages, and a write over all of them would wait on every open settle transaction (SecantusDB retries a plain
write that meets an open transaction until it ends, so a busy campaign never let the fan-out finish).
"""
from datetime import datetime, timezone

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase


class FanoutStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["fanout_batches"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("campaignId")

    async def record(self, batch_id: str, campaign_id: str, message_ids: list[str],
                     session: AsyncClientSession) -> None:
        await self.collection.insert_one({"_id": batch_id, "campaignId": campaign_id, "messageIds": message_ids,
                                          "createdAt": datetime.now(timezone.utc)}, session=session)

    async def published(self, batch_id: str) -> None:
        await self.collection.delete_one({"_id": batch_id})

    async def unpublished(self, campaign_id: str) -> list[dict]:
        """Chunks a fan-out recorded but did not see confirmed (it stopped, or the broker was away)."""
        return await self.collection.find({"campaignId": campaign_id}).to_list()
