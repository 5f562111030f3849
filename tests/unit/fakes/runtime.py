"""The in-memory stand-ins for a service's ServiceRuntime: a transaction runner and an outbox.

As cosmicpython's FakeUnitOfWork: `transaction(work)` runs work(session) with a dummy session; when work returns,
what the fakes hold stays (commit), when it raises, every fake store and the outbox go back to what they held before
(rollback). So a test sees exactly what a handler's transaction would have left behind in the database."""
import copy
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo.errors import BulkWriteError, DuplicateKeyError

from shared.events.envelope import Envelope, Event

T = TypeVar("T")


class FakeSession:
    """What handlers pass to the stores. A store refuses a session whose transaction has ended: a write that
    slips out of its transaction is a bug the real database would not report either."""

    def __init__(self) -> None:
        self.active = True


def check_session(session: FakeSession | None, *, required: bool = False) -> None:
    if session is None:
        if required:
            raise AssertionError("this store method writes inside a transaction: it needs the session")
        return
    if not isinstance(session, FakeSession) or not session.active:
        raise AssertionError("a store was given a session outside its transaction")


def duplicate_key(what: str) -> DuplicateKeyError:
    return DuplicateKeyError(f"E11000 duplicate key error: {what}", code=11000)


def bulk_duplicate(what: str) -> BulkWriteError:
    """What insert_many raises on a unique index: a BulkWriteError whose write errors are all code 11000."""
    return BulkWriteError({"writeErrors": [{"index": 0, "code": 11000, "errmsg": f"E11000 duplicate key: {what}"}],
                           "nInserted": 0})


class FakeDocuments:
    """A fake store's documents by _id; the runtime snapshots and restores them around a transaction.
    Reads hand out copies, as the driver hands out fresh documents: a handler mutating what it read changes
    nothing stored."""

    def __init__(self) -> None:
        self.docs: dict[str, dict] = {}

    def snapshot(self) -> object:
        return copy.deepcopy(self.docs)

    def restore(self, snapshot: object) -> None:
        self.docs = snapshot  # type: ignore[assignment]

    def read(self, key: str) -> dict | None:
        doc = self.docs.get(key)
        return copy.deepcopy(doc) if doc is not None else None

    def all(self) -> list[dict]:
        return [copy.deepcopy(doc) for doc in self.docs.values()]


class FakeOutbox:
    """Records the events a transaction adds; they stay only if it commits (like the outbox collection)."""

    def __init__(self, source: str):
        self.source = source
        self.records: list[Envelope] = []
        self._events: list[Event] = []

    async def add(self, session: FakeSession, event: Event, *, correlation_id: str | None = None) -> Envelope:
        check_session(session)
        envelope = Envelope.wrap(event, source=self.source, correlation_id=correlation_id)
        self.records.append(envelope)
        self._events.append(event)
        return envelope

    async def add_many(self, session: FakeSession, events: list[tuple[Event, str | None]]) -> list[Envelope]:
        if not events:
            return []
        return [await self.add(session, event, correlation_id=correlation_id) for event, correlation_id in events]

    def notify(self) -> None:
        """The relay would wake up; nothing to publish here."""

    @property
    def events(self) -> list[Event]:
        return list(self._events)

    def of_type(self, event_class: type[Event]) -> list[Event]:
        return [event for event in self._events if isinstance(event, event_class)]

    def types(self) -> list[str]:
        return [event.TYPE for event in self._events]

    def snapshot(self) -> object:
        return list(self.records), list(self._events)

    def restore(self, snapshot: object) -> None:
        self.records, self._events = snapshot  # type: ignore[misc]


class FakeRuntime:
    """runtime.transaction and runtime.outbox, as the handlers use them. `stores` are rolled back with the outbox."""

    def __init__(self, source: str, stores: list) -> None:
        self.outbox = FakeOutbox(source)
        self.stores = [*stores, self.outbox]
        self.committed = 0
        self.rolled_back = 0

    async def transaction(self, work: Callable[[FakeSession], Awaitable[T]]) -> T:
        session = FakeSession()
        before = [store.snapshot() for store in self.stores]
        try:
            result = await work(session)
        except BaseException:
            for store, snapshot in zip(self.stores, before):
                store.restore(snapshot)
            self.rolled_back += 1
            raise
        finally:
            session.active = False
        self.committed += 1
        return result
