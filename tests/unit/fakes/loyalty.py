"""In-memory loyalty stores with the real ones' method names, return shapes and unique indexes
(services/loyalty/store/*), and a Deps built from them."""
import copy
from datetime import datetime, timezone

from services.loyalty.clients.customers import CustomerFound
from services.loyalty.domain.records import Account, AccountChange, LedgerEntry, Member, PaidOrder, Program
from services.loyalty.handlers.deps import Deps
from services.loyalty.settings import LoyaltySettings
from services.loyalty.store.accounts import account_of, change_update
from services.loyalty.store.ledger import entry_doc, entry_of
from services.loyalty.store.members import member_of
from services.loyalty.store.orders import paid_order_doc, paid_order_of
from shared.errors import Unavailable
from tests.unit.fakes.runtime import (
    FakeDocuments,
    FakeRuntime,
    FakeSession,
    bulk_duplicate,
    check_session,
    duplicate_key,
)

Session = FakeSession | None


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


class FakeProgramStore(FakeDocuments):
    """Programs in insertion order (find_one's natural order)."""

    def put(self, program: Program) -> Program:
        self.docs[program.id] = program.to_doc()
        return program

    def _programs(self) -> list[Program]:
        return [Program.from_doc(d) for d in self.all()]

    async def get(self, program_id: str, session: Session = None) -> Program | None:
        check_session(session)
        doc = self.read(program_id)
        return Program.from_doc(doc) if doc is not None else None

    async def active_at(self, at: datetime, session: Session = None) -> Program | None:
        check_session(session)
        return next((p for p in self._programs()
                     if p.is_active and _aware(p.start_date) <= at < _aware(p.end_date)), None)

    async def active_between(self, start: datetime, end: datetime, session: Session = None) -> list[Program]:
        check_session(session)
        return [p for p in self._programs()
                if p.is_active and _aware(p.start_date) <= end and _aware(p.end_date) > start]


class FakeAccountStore(FakeDocuments):
    """Documents as the real store writes them (its change_update), handed out as Account records."""

    def _account(self, customer_id: str) -> Account | None:
        doc = self.read(customer_id)
        return account_of(doc) if doc is not None else None

    async def get(self, customer_id: str, session: Session = None) -> Account | None:
        check_session(session)
        return self._account(customer_id)

    async def many(self, customer_ids: list[str], session: Session = None) -> dict[str, Account]:
        check_session(session)
        return {c: self._account(c) for c in customer_ids if c in self.docs}

    async def apply(self, customer_id: str, change: AccountChange, session: FakeSession, *,
                    require_balance: int | None = None) -> Account | None:
        """With require_balance, nothing matches (None) unless the balance covers it, and nothing is created;
        without, the account is created on first use ($setOnInsert zeros)."""
        check_session(session, required=True)
        update = change_update(change)
        doc = self.docs.get(customer_id)
        if require_balance is not None:
            if doc is None or doc.get("balance") is None or doc["balance"] < require_balance:
                return None
        elif doc is None:
            doc = self.docs[customer_id] = {"_id": customer_id, **update["$setOnInsert"]}
        for key, amount in update["$inc"].items():
            doc[key] = doc.get(key, 0) + amount
        doc.update(copy.deepcopy(update["$set"]))
        return self._account(customer_id)

    async def apply_many(self, changes: dict[str, AccountChange], session: FakeSession) -> None:
        for customer_id, change in changes.items():
            await self.apply(customer_id, change, session)

    async def mark_deleted(self, customer_id: str, at: datetime, session: FakeSession) -> None:
        check_session(session, required=True)
        if customer_id in self.docs:
            self.docs[customer_id].update(deleted=True, deletedAt=at)


class FakeLedgerStore(FakeDocuments):
    """Immutable entries, kept as the real store writes them (entry_doc), with the real unique indexes:
    (orderId, kind, returnId) for order entries and (customerId, requestId) for requests."""

    def _clash(self, entry: dict) -> str | None:
        for other in self.docs.values():
            if other["_id"] == entry["_id"]:
                return f"_id {entry['_id']}"
            if isinstance(entry.get("orderId"), str) and isinstance(other.get("orderId"), str) and \
                    (other["orderId"], other["kind"], other.get("returnId")) == \
                    (entry["orderId"], entry["kind"], entry.get("returnId")):
                return f"orderId {entry['orderId']} kind {entry['kind']} returnId {entry.get('returnId')}"
            if isinstance(entry.get("requestId"), str) and isinstance(other.get("requestId"), str) and \
                    (other["customerId"], other["requestId"]) == (entry["customerId"], entry["requestId"]):
                return f"customerId {entry['customerId']} requestId {entry['requestId']}"
        return None

    async def insert(self, entry: LedgerEntry, session: FakeSession) -> None:
        check_session(session, required=True)
        doc = entry_doc(entry)
        if clash := self._clash(doc):
            raise duplicate_key(clash)
        self.docs[doc["_id"]] = copy.deepcopy(doc)

    async def insert_many(self, entries: list[LedgerEntry], session: FakeSession) -> None:
        check_session(session, required=True)
        for doc in map(entry_doc, entries):
            if clash := self._clash(doc):
                raise bulk_duplicate(clash)
            self.docs[doc["_id"]] = copy.deepcopy(doc)

    async def orders_with(self, order_ids: list[str], kind: str, session: FakeSession) -> set[str]:
        check_session(session)
        return {e["orderId"] for e in self.docs.values() if e.get("orderId") in order_ids and e["kind"] == kind}

    async def for_order(self, order_id: str, kind: str, session: FakeSession) -> LedgerEntry | None:
        check_session(session)
        return next((entry_of(copy.deepcopy(e)) for e in self.docs.values()
                     if e.get("orderId") == order_id and e["kind"] == kind), None)

    async def for_request(self, customer_id: str, request_id: str, session: Session = None) -> LedgerEntry | None:
        check_session(session)
        return next((entry_of(copy.deepcopy(e)) for e in self.docs.values()
                     if e["customerId"] == customer_id and e.get("requestId") == request_id), None)

    def entries_of(self, customer_id: str, kind: str | None = None) -> list[dict]:
        """For assertions: a customer's entries, as stored, in the order they were written."""
        return [e for e in self.all() if e["customerId"] == customer_id and kind in (None, e["kind"])]


class FakeMemberStore(FakeDocuments):
    def _member(self, customer_id: str) -> Member | None:
        doc = self.read(customer_id)
        return member_of(doc) if doc is not None else None

    async def get(self, customer_id: str, session: Session = None) -> Member | None:
        check_session(session)
        return self._member(customer_id)

    async def remember(self, customer_id: str, status: str, at: datetime, learnt_from: str,
                       session: Session = None) -> Member:
        """The status as of `at`; an older one arriving late changes nothing; a tombstone stays deleted."""
        check_session(session)
        at = _aware(at)
        known = self.docs.get(customer_id)
        if known is not None and known.get("statusAt") is not None and known["statusAt"] >= at:
            return self._member(customer_id)
        if known is None:
            known = self.docs[customer_id] = {"_id": customer_id, "deleted": False, "since": at,
                                              "learntFrom": learnt_from}
        known.update(status=status, statusAt=at)
        return self._member(customer_id)

    async def known_many(self, customer_ids: list[str], at: datetime, session: FakeSession) -> dict[str, Member]:
        check_session(session, required=True)
        for c in customer_ids:
            self.docs.setdefault(c, {"_id": c, "deleted": False, "since": at, "status": None, "learntFrom": "order"})
        return {c: self._member(c) for c in customer_ids}

    async def mark_deleted(self, customer_id: str, at: datetime, session: FakeSession) -> None:
        check_session(session, required=True)
        doc = self.docs.setdefault(customer_id, {"_id": customer_id, "since": at, "learntFrom": "event"})
        doc.update(deleted=True, deletedAt=at)


class FakePaidOrderStore(FakeDocuments):
    """Documents as the real store writes them (paid_order_doc), handed out as PaidOrder records."""

    async def seen(self, order_ids: list[str], session: FakeSession) -> set[str]:
        check_session(session)
        return {o for o in order_ids if o in self.docs}

    async def get(self, order_id: str, session: FakeSession) -> PaidOrder | None:
        check_session(session)
        doc = self.read(order_id)
        return paid_order_of(doc) if doc is not None else None

    async def insert_many(self, orders: list[PaidOrder], session: FakeSession) -> None:
        check_session(session, required=True)
        for doc in map(paid_order_doc, orders):
            if doc["_id"] in self.docs:
                raise bulk_duplicate(f"_id {doc['_id']}")
            self.docs[doc["_id"]] = copy.deepcopy(doc)

    async def save(self, order: PaidOrder, session: FakeSession) -> None:
        check_session(session, required=True)
        doc = paid_order_doc(order)
        self.docs[doc["_id"]] = copy.deepcopy(doc)


class FakeCustomersClient:
    """The customers service as loyalty asks it: customer id -> status; `down` answers 503 as the real client."""

    def __init__(self, statuses: dict[str, str] | None = None):
        self.statuses = dict(statuses or {})
        self.asked: list[str] = []
        self.down = False

    async def find(self, customer_id: str) -> CustomerFound | None:
        self.asked.append(customer_id)
        if self.down:
            raise Unavailable("customers service unreachable")
        status = self.statuses.get(customer_id)
        return CustomerFound(customer_id, status) if status is not None else None


def loyalty_deps(*, settings: LoyaltySettings | None = None, customers: FakeCustomersClient | None = None) -> Deps:
    """A loyalty Deps over fresh fakes; redemptions and jobs are left out (None) until a test needs them."""
    programs, accounts, ledger = FakeProgramStore(), FakeAccountStore(), FakeLedgerStore()
    members, paid_orders = FakeMemberStore(), FakePaidOrderStore()
    runtime = FakeRuntime("loyalty", [programs, accounts, ledger, members, paid_orders])
    return Deps(settings=settings or LoyaltySettings(), runtime=runtime, programs=programs, accounts=accounts,
                ledger=ledger, redemptions=None, members=members, jobs=None, paid_orders=paid_orders,
                customers=customers or FakeCustomersClient())
