"""InsightModelStore: every fit of the shop's insights model, appended (`insight_models`); the newest is current."""
from datetime import datetime

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from services.customers.insights.domain.bgnbd import BgNbd
from services.customers.insights.domain.gamma_gamma import GammaGamma
from services.customers.insights.domain.model import InsightsModel
from services.customers.insights.domain.rfm import Boundaries


class InsightModelStore:
    def __init__(self, db: AsyncDatabase):
        self.collection = db["insight_models"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("fittedAt", DESCENDING), ("_id", DESCENDING)])

    async def append(self, model: InsightsModel, *, scored: int, duration_seconds: float,
                     triggered_by: dict | None = None) -> None:
        """History is kept: a refit adds a record, never rewrites one."""
        await self.collection.insert_one({
            "_id": model.id, "method": model.method, "fittedAt": model.fitted_at, "customers": model.customers,
            "repeatCustomers": model.repeat_customers, "boundaries": model.boundaries.as_dict(),
            "gapDays": model.gap_days,
            "params": {"bgnbd": model.bgnbd.as_dict() if model.bgnbd else None,
                       "gammaGamma": model.gamma_gamma.as_dict() if model.gamma_gamma else None},
            "logLikelihood": model.log_likelihood, "reason": model.reason, "scored": scored,
            "durationSeconds": round(duration_seconds, 3), "triggeredBy": triggered_by})

    async def current(self) -> InsightsModel | None:
        doc = await self.collection.find_one({}, sort=[("fittedAt", DESCENDING), ("_id", DESCENDING)])
        return model_of(doc) if doc else None

    async def current_record(self) -> dict | None:
        return await self.collection.find_one({}, sort=[("fittedAt", DESCENDING), ("_id", DESCENDING)])

    async def history(self, limit: int) -> list[dict]:
        return await self.collection.find({}).sort([("fittedAt", DESCENDING), ("_id", DESCENDING)]) \
            .limit(limit).to_list()


def model_of(doc: dict) -> InsightsModel:
    params = doc.get("params") or {}
    fitted_at: datetime = doc["fittedAt"]
    return InsightsModel(
        id=doc["_id"], method=doc["method"], fitted_at=fitted_at, customers=doc["customers"],
        repeat_customers=doc["repeatCustomers"], boundaries=Boundaries.from_dict(doc["boundaries"]),
        gap_days=doc["gapDays"], bgnbd=BgNbd(**params["bgnbd"]) if params.get("bgnbd") else None,
        gamma_gamma=GammaGamma(**params["gammaGamma"]) if params.get("gammaGamma") else None,
        log_likelihood=doc.get("logLikelihood") or {}, reason=doc.get("reason", ""))
