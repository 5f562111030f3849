"""What every handler works with; built once in the app's lifespan."""
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError

from services.loyalty.clients.customers import CustomersClient
from services.loyalty.handlers.locks import CustomerLocks
from services.loyalty.settings import LoyaltySettings
from services.loyalty.store.accounts import AccountStore
from services.loyalty.store.ledger import LedgerStore
from services.loyalty.store.members import MemberStore
from services.loyalty.store.merges import MergeStore
from services.loyalty.store.orders import PaidOrderStore
from services.loyalty.store.programs import ProgramStore
from services.loyalty.store.redemptions import RedemptionStore
from shared.errors import Unavailable
from shared.jobs import JobClaims
from shared.runtime import ServiceRuntime

T = TypeVar("T")


@dataclass
class Deps:
    settings: LoyaltySettings
    runtime: ServiceRuntime
    programs: ProgramStore
    accounts: AccountStore
    ledger: LedgerStore
    redemptions: RedemptionStore
    members: MemberStore
    jobs: JobClaims  # the runtime scheduler's claims (shared/scheduler.py)
    paid_orders: PaidOrderStore
    customers: CustomersClient
    locks: CustomerLocks = field(default_factory=CustomerLocks)
    merges: MergeStore = None  # set by build

    @classmethod
    def build(cls, settings: LoyaltySettings, runtime: ServiceRuntime,
              customers: CustomersClient | None = None) -> "Deps":
        db = runtime.db
        return cls(settings, runtime, ProgramStore(db), AccountStore(db), LedgerStore(db), RedemptionStore(db),
                   MemberStore(db), runtime.scheduler.claims, PaidOrderStore(db),
                   customers or CustomersClient(settings), merges=MergeStore(db))

    async def transaction(self, work: Callable[[AsyncClientSession], Awaitable[T]]) -> T:
        """The runtime's bounded transaction; contention that outlasts its retries is a clean 503, not a 500."""
        try:
            return await self.runtime.transaction(work)
        except PyMongoError as exc:
            if exc.has_error_label("TransientTransactionError"):
                raise Unavailable("the account is busy; retry shortly") from exc
            raise

    async def ensure_indexes(self) -> None:
        for store in (self.programs, self.accounts, self.ledger, self.redemptions, self.members, self.jobs,
                      self.paid_orders, self.merges):
            await store.ensure_indexes()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
