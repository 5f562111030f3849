"""In-memory customers stores with the real ones' method names, return shapes and errors
(services/customers/store/*), and a Deps built from them."""
import copy
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from services.customers.handlers.deps import Deps
from services.customers.segments.clock import SystemClock
from services.customers.segments.store.segments import member_id
from services.customers.settings import CustomersSettings
from services.customers.store.orders import OrderAlreadyRecorded
from shared.errors import Conflict
from tests.unit.fakes.runtime import FakeDocuments, FakeRuntime, FakeSession, bulk_duplicate, check_session

Session = FakeSession | None


class FakeCustomerStore(FakeDocuments):
    """Customers by id, with the unique email index (emailKey) the real store turns into a 409."""

    def put(self, doc: dict) -> dict:
        self.docs[doc["_id"]] = copy.deepcopy(doc)
        return doc

    async def insert(self, doc: dict, session: FakeSession) -> None:
        check_session(session, required=True)
        if any(other.get("emailKey") == doc.get("emailKey") for other in self.docs.values()):
            raise Conflict("a customer with this email already exists", field="email")
        self.put(doc)

    async def get(self, customer_id: str, session: Session = None) -> dict | None:
        check_session(session)
        return self.read(customer_id)

    async def existing_ids(self, customer_ids: list[str], session: FakeSession) -> set[str]:
        check_session(session)
        return {c for c in customer_ids if c in self.docs}

    async def many(self, customer_ids: list[str], session: FakeSession) -> dict[str, dict]:
        check_session(session)
        return {c: self.read(c) for c in customer_ids if c in self.docs}

    async def add_orders(self, totals: dict[str, tuple[int, int, datetime]], now: datetime,
                         session: FakeSession) -> None:
        """$inc the spend and count, $max the last purchase; an unknown customer is no upsert."""
        check_session(session, required=True)
        for customer_id, (spent, orders, latest) in totals.items():
            if (doc := self.docs.get(customer_id)) is None:
                continue
            doc["totalSpentMinor"] = doc.get("totalSpentMinor", 0) + spent
            doc["totalOrders"] = doc.get("totalOrders", 0) + orders
            if doc.get("lastPurchaseDate") is None or latest > doc["lastPurchaseDate"]:
                doc["lastPurchaseDate"] = latest
            doc["updatedAt"] = now

    async def take_back(self, customer_id: str, amount_minor: int, now: datetime, session: FakeSession) -> None:
        check_session(session, required=True)
        if (doc := self.docs.get(customer_id)) is not None:
            doc["totalSpentMinor"] = doc.get("totalSpentMinor", 0) - amount_minor
            doc["updatedAt"] = now

    async def remove_order(self, customer_id: str, total_minor: int, now: datetime, session: FakeSession) -> None:
        check_session(session, required=True)
        if (doc := self.docs.get(customer_id)) is not None:
            doc["totalSpentMinor"] = doc.get("totalSpentMinor", 0) - total_minor
            doc["totalOrders"] = doc.get("totalOrders", 0) - 1
            doc["updatedAt"] = now


class FakeOrderStore(FakeDocuments):
    def put(self, doc: dict) -> dict:
        self.docs[doc["_id"]] = copy.deepcopy(doc)
        return doc

    async def insert(self, doc: dict, session: FakeSession) -> None:
        check_session(session, required=True)
        if doc["_id"] in self.docs:
            raise OrderAlreadyRecorded(doc["_id"])
        self.put(doc)

    async def insert_many(self, docs: list[dict], session: FakeSession) -> None:
        check_session(session, required=True)
        if not docs:
            return
        ids = [d["_id"] for d in docs]
        if len(set(ids)) != len(ids) or any(i in self.docs for i in ids):
            raise OrderAlreadyRecorded(", ".join(ids))
        for doc in docs:
            self.put(doc)

    async def many(self, order_ids: list[str], session: FakeSession) -> list[dict]:
        check_session(session)
        return [self.read(o) for o in order_ids if o in self.docs]

    async def get(self, order_id: str, session: Session = None) -> dict | None:
        check_session(session)
        return self.read(order_id)

    async def set_status(self, order_id: str, expected: str, target: str, changes: dict,
                         session: FakeSession) -> dict | None:
        """Only while the status is still `expected` (else None), like the real conditional update."""
        check_session(session, required=True)
        doc = self.docs.get(order_id)
        if doc is None or doc["status"] != expected:
            return None
        doc.update(status=target, **copy.deepcopy(changes))
        return self.read(order_id)

    async def add_return(self, order: dict, items: list[dict], record: dict, changes: dict,
                         session: FakeSession) -> dict | None:
        """Only if status and returnedMinor are as read (a missing returnedMinor matches None)."""
        check_session(session, required=True)
        doc = self.docs.get(order["_id"])
        if doc is None or doc["status"] != order["status"] or doc.get("returnedMinor") != order.get("returnedMinor"):
            return None
        doc.update(items=copy.deepcopy(items), **copy.deepcopy(changes))
        doc["returnedMinor"] = doc.get("returnedMinor", 0) + record["amountMinor"]
        doc.setdefault("returns", []).append(copy.deepcopy(record))
        return self.read(order["_id"])


class FakeActivityStore(FakeDocuments):
    """The timeline; ids are made by the store, as the real one does."""

    async def add(self, entry: dict, session: FakeSession) -> str:
        check_session(session, required=True)
        activity_id = str(uuid.uuid4())
        self.docs[activity_id] = {"_id": activity_id, **copy.deepcopy(entry)}
        return activity_id

    async def add_many(self, entries: list[dict], session: FakeSession) -> list[str]:
        return [await self.add(entry, session) for entry in entries]

    def of(self, customer_id: str, kind: str | None = None) -> list[dict]:
        return [e for e in self.all() if e["customerId"] == customer_id and kind in (None, e["type"])]


class FakeSegmentStore:
    """Segments, member rows and member counts (the real store shards the counts; the sum is what is read)."""

    def __init__(self) -> None:
        self.segments: dict[str, dict] = {}
        self.members: dict[str, dict] = {}
        self.counters: dict[str, int] = {}

    def snapshot(self) -> object:
        return copy.deepcopy((self.segments, self.members, self.counters))

    def restore(self, snapshot: object) -> None:
        self.segments, self.members, self.counters = snapshot  # type: ignore[misc]

    def put(self, doc: dict) -> dict:
        if any(s["slug"] == doc["slug"] for s in self.segments.values()):
            raise Conflict(f"a segment with slug '{doc['slug']}' already exists", field="slug")
        self.segments[doc["_id"]] = copy.deepcopy(doc)
        self.counters[doc["_id"]] = 0
        return doc

    async def all(self, session: Session = None) -> list[dict]:
        check_session(session)
        return copy.deepcopy(sorted(self.segments.values(), key=lambda s: s["createdAt"]))

    async def counts(self, segment_ids: list[str], session: Session = None) -> dict[str, int]:
        check_session(session)
        return {s: self.counters.get(s, 0) for s in segment_ids}

    async def add_to_counts(self, deltas: list[tuple[str, str, int]], session: FakeSession) -> None:
        check_session(session, required=True)
        for segment_id, _, delta in deltas:
            if segment_id in self.counters:  # the real update_one on a missing shard matches nothing
                self.counters[segment_id] += delta

    async def memberships_of(self, customer_ids: list[str], session: FakeSession,
                             segment_id: str | None = None) -> set[tuple[str, str]]:
        check_session(session)
        return {(r["segmentId"], r["customerId"]) for r in self.members.values()
                if r["customerId"] in customer_ids and segment_id in (None, r["segmentId"])}

    async def add_members(self, rows: list[dict], session: FakeSession) -> None:
        check_session(session, required=True)
        for row in rows:
            if row["_id"] in self.members:
                raise bulk_duplicate(f"_id {row['_id']}")
            self.members[row["_id"]] = copy.deepcopy(row)

    async def remove_members(self, ids: list[str], session: FakeSession) -> None:
        check_session(session, required=True)
        for i in ids:
            self.members.pop(i, None)

    def is_member(self, segment_id: str, customer_id: str) -> bool:
        return member_id(segment_id, customer_id) in self.members


class FakeSegmentChangeStore:
    """The membership history (append-only)."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def snapshot(self) -> object:
        return copy.deepcopy(self.rows)

    def restore(self, snapshot: object) -> None:
        self.rows = snapshot  # type: ignore[assignment]

    async def add(self, rows: list[dict], session: FakeSession) -> None:
        check_session(session, required=True)
        self.rows.extend(copy.deepcopy(rows))


@dataclass
class FakeSegmentParts:
    """deps.segments as the order and return handlers use it: the store, the history and the clock."""

    store: FakeSegmentStore
    changes: FakeSegmentChangeStore = field(default_factory=FakeSegmentChangeStore)
    clock: SystemClock = field(default_factory=SystemClock)


def customers_deps(*, settings: CustomersSettings | None = None) -> Deps:
    customers, orders, activity, segments = FakeCustomerStore(), FakeOrderStore(), FakeActivityStore(), \
        FakeSegmentStore()
    changes = FakeSegmentChangeStore()
    runtime = FakeRuntime("customers", [customers, orders, activity, segments, changes])
    return Deps(settings=settings or CustomersSettings(), runtime=runtime, customers=customers, orders=orders,
                activity=activity, segments=FakeSegmentParts(segments, changes))
