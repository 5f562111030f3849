"""Support for the tests of the per-customer batch reads: the old per-id pages to compare with, and a command
counter for the database calls one request makes."""
import contextlib

from pymongo import AsyncMongoClient, monitoring

from shared.keyed_pages import KeyedPage

# limit/offset windows every batch test walks: the first page, a middle one, one past some customers' ends.
WINDOWS = [(20, 0), (2, 0), (2, 1), (3, 2), (1, 4), (5, 100)]


async def per_id_pages(collection, ids: list[str], sort: list[tuple[str, int]], limit: int,
                       offset: int) -> dict[str, KeyedPage]:
    """What the batch reads answered before: a find and a count per id."""
    pages = {}
    for customer_id in ids:
        query = {"customerId": customer_id}
        items = await collection.find(query).sort(sort).skip(offset).limit(limit).to_list()
        pages[customer_id] = KeyedPage(items=items, total=await collection.count_documents(query))
    return pages


class Commands(monitoring.CommandListener):
    """The names of the commands a client sent (find, aggregate, count...), in order, and of those that read by
    customer id (a find or aggregate whose filter or first $match is on customerId)."""

    def __init__(self):
        self.names: list[str] = []
        self.customer_reads: list[str] = []

    def started(self, event):
        self.names.append(event.command_name)
        command = event.command
        first = (command.get("pipeline") or [{}])[0].get("$match", {}) if event.command_name == "aggregate" \
            else command.get("filter", {}) if event.command_name == "find" else {}
        if "customerId" in first:
            self.customer_reads.append(event.command_name)

    def clear(self) -> None:
        self.names.clear()
        self.customer_reads.clear()

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


@contextlib.asynccontextmanager
async def counted_database(mongo_url: str, database: str):
    """The service's database through a client of its own that records the commands sent through it."""
    commands = Commands()
    client = AsyncMongoClient(mongo_url, tz_aware=True, event_listeners=[commands])
    try:
        yield client[database], commands
    finally:
        await client.close()
