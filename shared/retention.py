"""Bounded growth of bookkeeping records: they expire by a TTL index, so the database server deletes them.

Chosen over a periodic job because both servers we run on delete by TTL: MongoDB's TTL monitor and SecantusDB's
sweeper each pass every 60 s (SecantusDB's was checked: an expired document went within one pass, documents whose
field is missing or not a date stay, and `collMod` changes the period of an existing index). A TTL index needs no
lease, no batch loop and no process to be running. The cost on SecantusDB is a scan of the collection per pass
(see README "Bounded growth"); MongoDB walks the index.
"""
from datetime import timedelta

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection


async def expire_after(collection: AsyncCollection, field: str, retention: timedelta, *,
                       partial_filter: dict | None = None) -> None:
    """Keeps a TTL index on `field`: a document goes once `field` holds a date older than `retention`.

    A changed retention updates the existing index in place (`collMod`); `create_index` would refuse it because an
    index of that name exists with other options. Two replicas starting together both end with the same period.
    """
    seconds = int(retention.total_seconds())
    if seconds < 1:
        raise ValueError(f"retention must be at least one second, got {retention}")
    name = f"{field}_ttl"
    existing = (await collection.index_information()).get(name)
    if existing is not None and existing.get("expireAfterSeconds") != seconds:
        await collection.database.command("collMod", collection.name,
                                          index={"name": name, "expireAfterSeconds": seconds})
        return
    options = {"partialFilterExpression": partial_filter} if partial_filter else {}
    await collection.create_index([(field, ASCENDING)], name=name, expireAfterSeconds=seconds, **options)
