"""Queries by many ids, cut into slices of 100.

SecantusDB checks each candidate document against the whole `$in` list, so a query's cost grows with the square
of its ids: reading 1,000 documents by id took 730 ms of server CPU in one query and 104 ms in ten of 100. Real
MongoDB doesn't care either way.
"""
from collections.abc import Iterator

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

SLICE = 100


def slices(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), SLICE):
        yield ids[start:start + SLICE]


async def find_by_ids(collection: AsyncCollection, ids: list[str], query: dict | None = None, *,
                      projection: dict | None = None, session: AsyncClientSession | None = None) -> list[dict]:
    """The documents with these ids that also match `query`."""
    found: list[dict] = []
    for part in slices(ids):
        found += await collection.find({"_id": {"$in": part}, **(query or {})}, projection=projection,
                                       session=session).to_list()
    return found
