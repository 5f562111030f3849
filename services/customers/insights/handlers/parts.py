"""What the insights handlers work with: their settings and stores. Built once in the app's setup
(`app.state.insights`); the order path needs none of it (it only marks the customer dirty, store/customers.py)."""
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

    @classmethod
    def build(cls, db: AsyncDatabase, settings: InsightsSettings) -> "InsightParts":
        return cls(settings, InsightModelStore(db), CustomerInsightStore(db))

    async def ensure_indexes(self) -> None:
        await self.models.ensure_indexes()
        await self.customers.ensure_indexes()

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.settings.min_customers, self.settings.min_repeat_customers)
