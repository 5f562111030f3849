"""Reading everything a service holds on one person for a data export: whole, in batches, within a stated bound."""
from pymongo.asynchronous.collection import AsyncCollection

from shared.errors import AppError

# Rows per section of one person's export. Far above any real shopper (a customer with 100,000 ledger entries
# exports); past it the export is refused rather than cut, because a partial answer to "what do you hold on me?"
# must never pass for a complete one. The whole part is held in memory once: ~100,000 rows is ~40 MB of JSON.
MAX_ROWS = 200_000
# Documents per round trip while reading a section: memory per batch stays small whatever the section's size.
BATCH = 1_000


class ExportTooLarge(AppError):
    code = "EXPORT_TOO_LARGE"
    http_status = 413


async def read_all(collection: AsyncCollection, query: dict, sort: list[tuple[str, int]], *, what: str,
                   projection: dict | None = None, max_rows: int | None = None) -> list[dict]:
    """Every document matching `query` in `sort` order, read `BATCH` at a time; ExportTooLarge past `max_rows`
    (MAX_ROWS, read at call time, unless given)."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    cursor = collection.find(query, projection).sort(sort).batch_size(BATCH).limit(max_rows + 1)
    found = [doc async for doc in cursor]
    if len(found) > max_rows:
        raise ExportTooLarge(f"more than {max_rows} {what} for one person: the export is refused rather than cut",
                             field="customerId")
    return found
