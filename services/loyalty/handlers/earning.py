"""Points follow payment: order.paid earns, batch first. A batch of events is one transaction with a fixed number of
reads and writes (SecantusDB pays per round trip); a single event is a batch of one, so there is one set of rules.

Per order: floor(total in units x pointsPerUnit x tier multiplier) under the program active at placedAt, with the
tier the member has when the event is handled; once per order (the inbox dedupes the envelope, `paid_orders` and the
ledger's unique (orderId, kind, returnId) index the order); nothing for a deleted or a suspended customer."""
from datetime import datetime, timezone

from pymongo.asynchronous.client_session import AsyncClientSession

from services.loyalty.domain.records import Account, AccountChange, LedgerEntry, PaidOrder, Program
from services.loyalty.domain.tiers import points_for_order
from services.loyalty.handlers.deps import Deps, utcnow
from services.loyalty.handlers.posting import Posting, account_change, effective_standing, ledger_entry, posted_events
from shared.events import contracts
from shared.events.envelope import Envelope, Event

Paid = tuple[contracts.OrderPaid, Envelope]


class Postings:
    """Postings kept in memory against the accounts as read in this transaction, written at the end in one go.
    The transaction's snapshot makes the in-memory `after` what find_one_and_update would have returned: a
    concurrent change to one of these accounts is a write conflict, and the whole batch is retried."""

    def __init__(self, deps: Deps, accounts: dict[str, Account]):
        self.deps = deps
        self.accounts = accounts
        self.changes: dict[str, AccountChange] = {}  # customer id -> the postings' changes summed
        self.entries: list[LedgerEntry] = []
        self.events: list[tuple[Event, str | None]] = []

    def account(self, customer_id: str) -> Account | None:
        return self.accounts.get(customer_id)

    def post(self, program: Program, change: Posting, now: datetime, correlation_id: str) -> LedgerEntry:
        """Returns the ledger entry."""
        before = self.accounts.get(change.customer_id)
        moved = account_change(before, program, change, now)
        after = (before or Account(change.customer_id)).after(moved)
        self.accounts[change.customer_id] = after
        summed = self.changes.get(change.customer_id)
        self.changes[change.customer_id] = summed.then(moved) if summed else moved
        entry = ledger_entry(self.deps, program, change, now, after)
        self.entries.append(entry)
        self.events += [(event, correlation_id) for event in posted_events(before, after, entry)]
        return entry

    async def write(self, session: AsyncClientSession) -> None:
        if self.changes:
            await self.deps.accounts.apply_many(self.changes, session)
        await self.deps.ledger.insert_many(self.entries, session)
        await self.deps.runtime.outbox.add_many(session, self.events)


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)  # as MongoDB reads a naive time


def active_at(programs: list[Program], at: datetime) -> Program | None:
    """ProgramStore.active_at over programs already read."""
    return next((p for p in programs if _utc(p.start_date) <= at < _utc(p.end_date)), None)


def paid_order(event: contracts.OrderPaid, outcome: str, now: datetime, program: Program | None = None,
               entry: LedgerEntry | None = None) -> PaidOrder:
    """What loyalty keeps of a paid order: what it earned (E) on what amount (B), for returns and refunds."""
    return PaidOrder(order_id=event.order_id, customer_id=event.customer_id, outcome=outcome,
                     points=entry.points if entry else 0, base_minor=event.total_minor,
                     program_id=program.id if program else None, period=entry.period if entry else None,
                     earn_entry_id=entry.id if entry else None, placed_at=event.placed_at, paid_at=event.paid_at,
                     created_at=now)


async def on_orders_paid(deps: Deps, paid: list[Paid], session: AsyncClientSession) -> None:
    """Each order in delivery order: customers learnt, deleted ones skipped, suspended ones recorded as earning
    nothing, each order earns once (also when it comes twice in one batch or was earned under order.placed)."""
    now = utcnow()
    order_ids = [event.order_id for event, _ in paid]
    customers = list(dict.fromkeys(event.customer_id for event, _ in paid))
    members = await deps.members.known_many(customers, now, session)
    seen = await deps.paid_orders.seen(order_ids, session) | await deps.ledger.orders_with(order_ids, "earn", session)
    moments = [_utc(event.placed_at) for event, _ in paid]
    programs = await deps.programs.active_between(min(moments), max(moments), session)
    postings = Postings(deps, await deps.accounts.many(customers, session))
    records = []
    for (event, envelope), at in zip(paid, moments):
        member = members[event.customer_id]
        if member.deleted or event.order_id in seen:
            continue
        seen.add(event.order_id)  # the same order in two envelopes of one batch earns once too
        program = active_at(programs, at)
        if member.suspended:
            records.append(paid_order(event, "suspended", now, program))
            continue
        if program is None:
            records.append(paid_order(event, "no-program", now))
            continue
        _, tier = effective_standing(postings.account(event.customer_id), program, now)
        points = points_for_order(event.total_minor, program.points_per_unit, tier.multiplier_percent)
        if points <= 0:
            records.append(paid_order(event, "nothing", now, program))
            continue
        entry = postings.post(program, Posting(
            event.customer_id, "earn", points, f"Order {event.order_id}", "event", envelope.id,
            qualifying=points, lifetime=points, extra={"order_id": event.order_id, "base_minor": event.total_minor}),
            now, envelope.correlation_id or envelope.id)
        records.append(paid_order(event, "earned", now, program, entry))
    await deps.paid_orders.insert_many(records, session)
    await postings.write(session)


async def on_order_paid(deps: Deps, event: contracts.OrderPaid, envelope: Envelope,
                        session: AsyncClientSession) -> None:
    """One event: a batch of one."""
    await on_orders_paid(deps, [(event, envelope)], session)
