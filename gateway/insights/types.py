"""Customer insights as the graph shows them: RFM, lifetime value, churn risk (docs/insights.md); built from the
`insights` the customers service returns with each customer, so a page of customers costs no extra call."""
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON


@strawberry.enum(description="The named RFM groups (docs/insights.md, RFM groups).")
class RfmGroup(Enum):
    CHAMPIONS = "Champions"
    LOYAL = "Loyal"
    POTENTIAL_LOYALISTS = "Potential loyalists"
    NEW = "New"
    PROMISING = "Promising"
    NEED_ATTENTION = "Need attention"
    ABOUT_TO_SLEEP = "About to sleep"
    AT_RISK = "At risk"
    CANNOT_LOSE_THEM = "Cannot lose them"
    HIBERNATING = "Hibernating"
    LOST = "Lost"


@strawberry.enum
class InsightsMethod(Enum):
    bgnbd_gamma_gamma = "bgnbd_gamma_gamma"
    heuristic = "heuristic"


@strawberry.type(description="Recency, frequency and monetary value, each 1-5 against the shop's other customers.")
class Rfm:
    recency: int
    frequency: int
    monetary: int
    score: int = strawberry.field(description="R*100 + F*10 + M, 111-555")
    group: RfmGroup


@strawberry.type
class CustomerInsights:
    rfm: Rfm
    historic_clv: float = strawberry.field(description="net revenue to date (refunds, cancellations and returned "
                                                       "items taken out), in the shop currency")
    predicted_clv: float = strawberry.field(description="revenue expected over the next 12 months")
    expected_orders: float = strawberry.field(description="orders expected over the next 12 months")
    p_alive: float = strawberry.field(description="probability the customer is still active, 0-1")
    churn_risk: float = strawberry.field(description="1 - pAlive")
    expected_next_order_at: datetime | None = strawberry.field(
        description="null when the customer is more likely gone than active, or the next order is over 2 years out")
    method: InsightsMethod = strawberry.field(description="bgnbd_gamma_gamma: the fitted models; heuristic: the "
                                                          "shop's data was too thin to fit")
    updated_at: datetime

    @classmethod
    def from_json(cls, data: dict | None) -> "CustomerInsights | None":
        if not data:
            return None
        rfm = data["rfm"]
        return cls(rfm=Rfm(recency=rfm["recency"], frequency=rfm["frequency"], monetary=rfm["monetary"],
                           score=rfm["score"], group=RfmGroup(rfm["group"])),
                   historic_clv=data["historicClv"], predicted_clv=data["predictedClv"],
                   expected_orders=data.get("expectedOrders", 0.0), p_alive=data["pAlive"],
                   churn_risk=data["churnRisk"], expected_next_order_at=_dt(data.get("expectedNextOrderAt")),
                   method=InsightsMethod(data["method"]), updated_at=datetime.fromisoformat(data["updatedAt"]))


@strawberry.type(description="A fit of the shop's insights model (the current one, or one of its history).")
class CustomerInsightsModel:
    id: strawberry.ID
    method: InsightsMethod
    fitted_at: datetime
    customers: int = strawberry.field(description="customers with an order the fit used")
    repeat_customers: int
    params: JSON = strawberry.field(description="bgnbd: r, alpha (days), a, b; gammaGamma: p, q, gamma (minor "
                                                "units); null when not fitted")
    log_likelihood: JSON
    reason: str = strawberry.field(description="converged, or why the heuristics were used")
    scored: int
    duration_seconds: float

    @classmethod
    def from_json(cls, data: dict) -> "CustomerInsightsModel":
        return cls(id=data["id"], method=InsightsMethod(data["method"]),
                   fitted_at=datetime.fromisoformat(data["fittedAt"]), customers=data["customers"],
                   repeat_customers=data["repeatCustomers"], params=data["params"],
                   log_likelihood=data["logLikelihood"], reason=data["reason"], scored=data["scored"],
                   duration_seconds=data["durationSeconds"])


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
