"""What every handler works with; built once in the app's lifespan."""
from dataclasses import dataclass
from datetime import datetime, timezone

from services.customers.segments.handlers.deps import SegmentParts
from services.customers.settings import CustomersSettings
from services.customers.store.activity import ActivityStore
from services.customers.store.cohorts import CohortStore
from services.customers.store.consents import ConsentStore
from services.customers.store.customers import CustomerStore
from services.customers.store.duplicates import DuplicateStore
from services.customers.store.erasure import ErasureWrites
from services.customers.store.merges import MergeStore
from services.customers.store.orders import OrderStore
from services.customers.store.stats import StatsStore
from services.customers.store.suppressions import SuppressionStore
from shared.internal_auth import internal_headers
from shared.runtime import ServiceRuntime


@dataclass
class Deps:
    settings: CustomersSettings
    runtime: ServiceRuntime
    customers: CustomerStore
    orders: OrderStore
    activity: ActivityStore
    segments: SegmentParts
    consents: ConsentStore = None  # set by build (a default: other stores may be added after it)
    suppressions: SuppressionStore = None  # set by build
    erasure: ErasureWrites = None  # set by build
    merges: MergeStore = None  # set by build
    duplicates: DuplicateStore = None  # set by build
    stats: StatsStore = None  # set by build: the dashboard's figures (store/stats.py)
    cohorts: CohortStore = None  # set by build

    @classmethod
    def build(cls, settings: CustomersSettings, runtime: ServiceRuntime) -> "Deps":
        db = runtime.db
        return cls(settings, runtime, CustomerStore(db), OrderStore(db), ActivityStore(db),
                   SegmentParts.build(db, settings.segments, internal_headers(settings)), consents=ConsentStore(db),
                   suppressions=SuppressionStore(db), erasure=ErasureWrites(db),
                   merges=MergeStore(db), duplicates=DuplicateStore(db), stats=StatsStore(db),
                   cohorts=CohortStore(db))

    async def ensure_indexes(self) -> None:
        for store in (self.customers, self.orders, self.activity, self.segments, self.consents, self.suppressions,
                      self.merges, self.duplicates, self.stats):
            await store.ensure_indexes()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
