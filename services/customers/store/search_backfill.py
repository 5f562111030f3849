"""Gives customers stored before search (or before its keys last changed) their search fields, at start.

Idempotent and batched: it selects only customers whose `searchVersion` is not the current one, and writes
each batch in one bulk write. A customer whose name, email or phone changes between our read and our write is
left alone: that write came through the profile commands, which set the search fields themselves. There is no
"done" marker on purpose: every start looks again (one scan), so a customer written by an older replica
during a rolling deploy is caught by the next start.
"""
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from services.customers.domain.search import SEARCH_VERSION, search_fields

SOURCE_FIELDS = ("firstName", "lastName", "email", "phone", "address")  # address: nameZipKey


def _unchanged_since_read(doc: dict) -> dict:
    return {"_id": doc["_id"], "searchVersion": {"$ne": SEARCH_VERSION},
            **{field: doc.get(field) for field in SOURCE_FIELDS}}


async def backfill_search_fields(customers: AsyncCollection, batch_size: int = 500) -> int:
    """Sets the search fields where they are missing or stale; returns how many customers it updated."""
    updated, batch = 0, []
    cursor = customers.find({"searchVersion": {"$ne": SEARCH_VERSION}}, projection=dict.fromkeys(SOURCE_FIELDS, 1),
                            batch_size=batch_size)
    async for doc in cursor:
        batch.append(UpdateOne(_unchanged_since_read(doc), {"$set": search_fields(doc)}))
        if len(batch) == batch_size:
            updated += (await customers.bulk_write(batch, ordered=False)).modified_count
            batch = []
    if batch:
        updated += (await customers.bulk_write(batch, ordered=False)).modified_count
    return updated
