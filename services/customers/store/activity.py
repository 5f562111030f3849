"""ActivityStore: the customer timeline, newest first."""
import re
import uuid
from datetime import datetime, timedelta, timezone

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from services.customers.domain.activity_feed import FeedFilter, FeedPosition
from services.customers.domain.records import ActivityEntry
from shared.data_export import read_all
from shared.keyed_pages import KeyedPage, pages_by_key

# How far back the feed looks at a time (ActivityStore.feed); None: all the way.
LOOK_BACK = (timedelta(days=1), timedelta(days=7), timedelta(days=30), timedelta(days=365), None)


def _kinds(kinds: tuple[str, ...]) -> dict:
    """Exact kinds as an $in (index bounds); with a family ("order": every "order.*") one anchored pattern instead,
    since SecantusDB matched nothing for a pattern inside $in once the filter also bounded occurredAt."""
    if all("." in k for k in kinds):
        return {"$in": list(kinds)}
    alternatives = "|".join(re.escape(k) + (r"\.[a-z_]+" if "." not in k else "") for k in kinds)
    return {"$regex": f"^(?:{alternatives})$"}


def _before(anchor: datetime, step: timedelta | None) -> datetime | None:
    """anchor - step, or None (no lower bound) for the last step or before year 1."""
    try:
        return anchor - step if step is not None else None
    except OverflowError:
        return None


class ActivityStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["activity"]
        self.customers = db["customers"]  # read only: the names the feed shows

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("customerId", ASCENDING), ("occurredAt", DESCENDING), ("_id", DESCENDING)])
        # The shop-wide feed, newest first: all entries, or those of some kinds (feed below).
        await self.collection.create_index([("occurredAt", DESCENDING), ("_id", DESCENDING)], name="feed")
        await self.collection.create_index([("type", ASCENDING), ("occurredAt", DESCENDING), ("_id", DESCENDING)],
                                           name="feed_by_type")

    async def add(self, entry: dict, session: AsyncClientSession) -> str:
        activity_id = str(uuid.uuid4())
        await self.collection.insert_one({"_id": activity_id, **entry}, session=session)
        return activity_id

    async def add_many(self, entries: list[dict], session: AsyncClientSession) -> list[str]:
        """Several entries in one write; their ids in the same order."""
        docs = [{"_id": str(uuid.uuid4()), **entry} for entry in entries]
        if docs:
            await self.collection.insert_many(docs, session=session)
        return [doc["_id"] for doc in docs]

    async def page_for_customer(self, customer_id: str, limit: int, offset: int) -> KeyedPage:
        return (await self.pages_for_customers([customer_id], limit, offset))[customer_id]

    async def pages_for_customers(self, customer_ids: list[str], limit: int, offset: int) -> dict[str, KeyedPage]:
        """A page of activity (ActivityEntry items), newest first, for each customer id, in one query."""
        pages = await pages_by_key(self.collection, "customerId", customer_ids,
                                   [("occurredAt", DESCENDING), ("_id", DESCENDING)], limit, offset)
        return {key: KeyedPage([ActivityEntry.from_doc(d) for d in found.items], found.total)
                for key, found in pages.items()}

    async def feed(self, wanted: FeedFilter, limit: int, after: FeedPosition | None,
                   now: datetime | None = None) -> tuple[list[ActivityEntry], bool]:
        """Entries across all customers, newest first, after the cursor's entry: (up to limit, whether more
        follow). Each query rides an index: (occurredAt, _id), (type, occurredAt, _id) or (customerId, ...).

        SecantusDB reads a sort's whole index range before it applies the limit, so an unbounded "newest 20"
        costs as much as the whole collection (0.6 s at 30,000 entries, growing). The read therefore looks back
        in growing steps from the cursor (or `until`, or now): a day, a week, a month, a year, then everything,
        and stops at the first step that fills the page. A busy shop's page costs one day's entries."""
        # One flat filter: SecantusDB's planner turns top-level fields into index bounds, not an $and's clauses.
        query: dict = {}
        if wanted.kinds:
            query["type"] = _kinds(wanted.kinds)
        if wanted.customer_id:
            query["customerId"] = wanted.customer_id
        when: dict = {"$lt": wanted.until} if wanted.until else {}
        if after:
            when["$lte"] = after.occurred_at  # the exact order within that instant is the $or's
            query["$or"] = [{"occurredAt": {"$lt": after.occurred_at}},
                            {"occurredAt": after.occurred_at, "_id": {"$lt": after.entry_id}}]
        anchor = after.occurred_at if after else wanted.until or now or datetime.now(timezone.utc)
        for step in LOOK_BACK:
            lower = _before(anchor, step)
            step = step if lower is not None else None  # no bound left: this read goes all the way
            if wanted.since and (lower is None or lower <= wanted.since):
                lower, step = wanted.since, None  # the filter's own bound: this is the last step
            bounds = {**when, "$gte": lower} if lower is not None else when
            docs = await self.collection.find({**query, "occurredAt": bounds} if bounds else query) \
                .sort([("occurredAt", DESCENDING), ("_id", DESCENDING)]).limit(limit + 1).to_list()
            if len(docs) > limit or step is None:
                break
        return [ActivityEntry.from_doc(d) for d in docs[:limit]], len(docs) > limit

    async def customer_names(self, customer_ids: list[str]) -> dict[str, dict]:
        """Name fields of these customers, in one query (an erased one has none left; a missing one is absent)."""
        docs = await self.customers.find({"_id": {"$in": customer_ids}},
                                         projection={"firstName": 1, "lastName": 1, "status": 1}).to_list()
        return {d["_id"]: d for d in docs}

    async def all_for_customer(self, customer_id: str) -> list[ActivityEntry]:
        """The customer's whole timeline, newest first, for their data export (bounded: shared.data_export)."""
        docs = await read_all(self.collection, {"customerId": customer_id},
                              [("occurredAt", DESCENDING), ("_id", DESCENDING)], what="timeline entries")
        return [ActivityEntry.from_doc(d) for d in docs]

    async def delete_for_customer(self, customer_id: str, session: AsyncClientSession) -> None:
        await self.collection.delete_many({"customerId": customer_id}, session=session)
