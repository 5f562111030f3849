"""What the insights handlers work with: their settings and stores. Built once in the app's setup
(`app.state.insights`); the order path needs none of it (it only marks the customer dirty, store/customers.py)."""
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from services.customers.insights.domain.model import Thresholds
from services.customers.insights.store.customer_insights import CustomerInsightStore
from services.customers.insights.store.models import InsightModelStore
from services.customers.settings import InsightsSettings


@dataclass
class InsightParts:
    settings: InsightsSettings
    models: InsightModelStore
    customers: CustomerInsightStore
    # Told the ids of customers whose figures were just written: segments reading insights re-evaluate them
    # (segments.handlers.membership.insights_changed; their sweep catches up on any call that fails).
    on_changed: Callable[[list[str]], Awaitable[object]] | None = None

    @classmethod
    def build(cls, db: AsyncDatabase, settings: InsightsSettings,
              on_changed: Callable[[list[str]], Awaitable[object]] | None = None) -> "InsightParts":
        return cls(settings, InsightModelStore(db), CustomerInsightStore(db), on_changed)

    async def changed(self, customer_ids: list[str]) -> None:
        if self.on_changed and customer_ids:
            await self.on_changed(customer_ids)

    async def ensure_indexes(self) -> None:
        await self.models.ensure_indexes()
        await self.customers.ensure_indexes()

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.settings.min_customers, self.settings.min_repeat_customers)
