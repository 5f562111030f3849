"""The shop's insights model: fitted at a refit (BG/NBD + Gamma-Gamma, or the heuristics when the data is thin),
stored, and used to score any customer later without rescanning the shop."""
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np

from services.customers.insights.domain import bgnbd, gamma_gamma
from services.customers.insights.domain.bgnbd import BgNbd
from services.customers.insights.domain.gamma_gamma import GammaGamma
from services.customers.insights.domain.heuristics import shop_gap
from services.customers.insights.domain.history import Histories, epoch_days
from services.customers.insights.domain.rfm import Boundaries

Method = Literal["bgnbd_gamma_gamma", "heuristic"]
MODEL, HEURISTIC = "bgnbd_gamma_gamma", "heuristic"


@dataclass(frozen=True)
class Thresholds:
    """Below these the shop's data is too thin to fit (docs/insights.md, When the data is thin)."""
    min_customers: int = 100
    min_repeat_customers: int = 30


@dataclass(frozen=True)
class InsightsModel:
    id: str
    method: Method
    fitted_at: datetime
    customers: int  # customers with a counted order, the population of the fit and of the RFM boundaries
    repeat_customers: int
    boundaries: Boundaries
    gap_days: float  # the shop's typical days between purchases (the heuristics' fallback)
    bgnbd: BgNbd | None = None
    gamma_gamma: GammaGamma | None = None
    log_likelihood: dict[str, float | None] = field(default_factory=dict)
    reason: str = ""  # why the heuristics were used, or "converged"

    def params(self) -> dict:
        return {**(self.bgnbd.as_dict() if self.bgnbd else {}),
                **(self.gamma_gamma.as_dict() if self.gamma_gamma else {})}


def fit_model(histories: Histories, now: datetime, thresholds: Thresholds = Thresholds()) -> InsightsModel:
    """Fits the shop's model on every customer's history; falls back to the heuristics (with the reason) when the
    shop has too few customers or repeat customers, or a fit fails to converge or is degenerate."""
    now_days = epoch_days(now)
    T = histories.since_first(now_days)
    x = histories.repeats
    repeat_customers = int(np.count_nonzero(x))
    base = dict(id=str(uuid.uuid4()), fitted_at=now, customers=len(histories), repeat_customers=repeat_customers,
                boundaries=Boundaries.of(histories.last, histories.orders, histories.net_minor),
                gap_days=shop_gap(x, T))
    if len(histories) < thresholds.min_customers or repeat_customers < thresholds.min_repeat_customers:
        return InsightsModel(method=HEURISTIC, reason=(
            f"too little data: {len(histories)} customers with orders (a fit needs {thresholds.min_customers}), "
            f"{repeat_customers} with a repeat purchase (needs {thresholds.min_repeat_customers})"), **base)
    purchases = bgnbd.fit(x, histories.span, T)
    spend = gamma_gamma.fit(x, histories.repeat_mean_minor)
    likelihoods = {"bgnbd": purchases.log_likelihood, "gammaGamma": spend.log_likelihood}
    if purchases.model is None or spend.model is None:
        failed = purchases if purchases.model is None else spend
        name = "BG/NBD" if purchases.model is None else "Gamma-Gamma"
        return InsightsModel(method=HEURISTIC, reason=f"{name} fit unusable: {failed.message}",
                             log_likelihood=likelihoods, **base)
    return InsightsModel(method=MODEL, bgnbd=purchases.model, gamma_gamma=spend.model, log_likelihood=likelihoods,
                         reason="converged", **base)
