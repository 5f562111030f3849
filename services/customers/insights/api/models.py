"""What the API shows of insights: money in currency units, camelCase."""
from datetime import datetime

from pydantic import Field

from shared.api import PublicModel
from shared.money import to_units


class RfmPublic(PublicModel):
    recency: int = Field(description="1-5: how recently they ordered, against the shop's other customers")
    frequency: int = Field(description="1-5: how many orders")
    monetary: int = Field(description="1-5: how much they spent, net of refunds and returns")
    score: int = Field(description="R*100 + F*10 + M, 111-555")
    group: str


class InsightsPublic(PublicModel):
    rfm: RfmPublic
    historic_clv: float = Field(alias="historicClv", description="net revenue to date")
    predicted_clv: float = Field(alias="predictedClv", description="revenue expected over the next 12 months")
    expected_orders: float = Field(alias="expectedOrders", description="orders expected over the next 12 months")
    p_alive: float = Field(alias="pAlive", description="probability the customer is still active, 0-1")
    churn_risk: float = Field(alias="churnRisk", description="1 - pAlive")
    expected_next_order_at: datetime | None = Field(None, alias="expectedNextOrderAt")
    method: str = Field(description="bgnbd_gamma_gamma (the fitted models) or heuristic (too little data)")
    updated_at: datetime = Field(alias="updatedAt")

    @classmethod
    def from_doc(cls, doc: dict | None) -> "InsightsPublic | None":
        if not doc:
            return None
        return cls(rfm=RfmPublic(**doc["rfm"]), historicClv=to_units(doc["historicClvMinor"]),
                   predictedClv=to_units(doc["predictedClvMinor"]), expectedOrders=doc.get("expectedOrders", 0.0),
                   pAlive=doc["pAlive"], churnRisk=doc["churnRisk"],
                   expectedNextOrderAt=doc.get("expectedNextOrderAt"), method=doc["method"],
                   updatedAt=doc["updatedAt"])


class InsightModelPublic(PublicModel):
    id: str
    method: str
    fitted_at: datetime = Field(alias="fittedAt")
    customers: int = Field(description="customers with an order the fit used")
    repeat_customers: int = Field(alias="repeatCustomers")
    params: dict[str, dict[str, float] | None] = Field(
        description="bgnbd: r, alpha (days), a, b; gammaGamma: p, q, gamma (minor units); null when not fitted")
    log_likelihood: dict[str, float | None] = Field(alias="logLikelihood")
    boundaries: dict[str, list[float]] = Field(
        description="RFM quintile boundaries: recency as latest-order dates (epoch days), frequency in orders, "
                    "monetary in minor units")
    reason: str = Field(description="converged, or why the heuristics were used")
    scored: int
    duration_seconds: float = Field(alias="durationSeconds")
    triggered_by: dict | None = Field(None, alias="triggeredBy", description="who asked for it; null: the schedule")

    @classmethod
    def from_doc(cls, doc: dict) -> "InsightModelPublic":
        return cls(id=doc["_id"], method=doc["method"], fittedAt=doc["fittedAt"], customers=doc["customers"],
                   repeatCustomers=doc["repeatCustomers"], params=doc.get("params") or {},
                   logLikelihood=doc.get("logLikelihood") or {}, boundaries=doc["boundaries"],
                   reason=doc.get("reason", ""), scored=doc.get("scored", 0),
                   durationSeconds=doc.get("durationSeconds", 0.0), triggeredBy=doc.get("triggeredBy"))
