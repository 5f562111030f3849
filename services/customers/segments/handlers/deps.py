"""What segment handlers need beyond the customer stores (`Deps.segments`): their settings, stores, the loyalty
and campaigns clients, and the event that wakes the job worker. Built once, in the app's setup."""
import asyncio
from dataclasses import dataclass, field

from pymongo.asynchronous.database import AsyncDatabase

from services.customers.clients.campaigns import CampaignsClient
from services.customers.clients.loyalty import LoyaltyClient
from services.customers.segments.clock import Clock, SystemClock
from services.customers.segments.store.changes import SegmentChangeStore
from services.customers.segments.store.jobs import SegmentJobStore
from services.customers.segments.store.segments import SegmentStore
from services.customers.segments.store.timers import SegmentTimerStore
from services.customers.settings import SegmentSettings


@dataclass
class SegmentParts:
    settings: SegmentSettings
    store: SegmentStore
    jobs: SegmentJobStore
    loyalty: LoyaltyClient
    campaigns: CampaignsClient
    changes: SegmentChangeStore = None  # set by build: the membership history
    timers: SegmentTimerStore = None    # set by build: how far the clock's effects are applied, per segment
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    # What "now" is for membership (tests swap in a clock they move); the boundary timer sleeps on it and wakes
    # early on timer_wake.
    clock: Clock = field(default_factory=SystemClock)
    timer_wake: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def build(cls, db: AsyncDatabase, settings: SegmentSettings, headers: dict[str, str]) -> "SegmentParts":
        """`settings`: CustomersSettings.segments; `headers`: what calls to the other services carry (the internal
        token)."""
        return cls(settings, SegmentStore(db), SegmentJobStore(db), LoyaltyClient(settings, headers),
                   CampaignsClient(settings, headers), changes=SegmentChangeStore(db), timers=SegmentTimerStore(db))

    async def ensure_indexes(self) -> None:
        await self.store.ensure_indexes()
        await self.jobs.ensure_indexes()
        await self.changes.ensure_indexes()
        await self.timers.ensure_indexes()
