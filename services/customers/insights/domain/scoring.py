"""Scoring: customers' histories and the shop's model in, each customer's insights out (set-based with numpy).

The figures (docs/insights.md): RFM scores and group; historic CLV (net revenue to date); expected orders and
predicted CLV over the next 12 months (no discounting: over one year a discount rate changes little and would be
one more number to explain); p(alive) and churn risk = 1 - p(alive); the expected next order date, or none when
the customer is more likely gone than not (p(alive) < 0.5) or the next order is more than two years away.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from services.customers.insights.domain import heuristics
from services.customers.insights.domain.history import Histories, epoch_days
from services.customers.insights.domain.model import MODEL, InsightsModel
from services.customers.insights.domain.rfm import RfmScores, score_all

HORIZON_DAYS = 365.0
MAX_NEXT_ORDER_DAYS = 730.0


@dataclass(frozen=True)
class Scores:
    ids: list[str]
    rfm: RfmScores
    historic_minor: np.ndarray
    predicted_minor: np.ndarray
    expected_orders: np.ndarray
    p_alive: np.ndarray
    next_order_days: np.ndarray  # days from now; NaN: no expected next order
    method: str
    model_id: str

    def documents(self, now: datetime, start: int = 0, stop: int | None = None) -> list[tuple[str, dict]]:
        """(customer id, the `insights` subdocument) of customers start..stop (default all), in the agreed shape
        (money in minor units). A refit builds them a batch at a time, so they never all exist at once."""
        stop = len(self.ids) if stop is None else min(stop, len(self.ids))
        groups = self.rfm.groups(start, stop)
        combined = self.rfm.combined
        docs = []
        for i in range(start, stop):
            customer_id = self.ids[i]
            alive = round(float(self.p_alive[i]), 6)
            nxt = self.next_order_days[i]
            docs.append((customer_id, {
                "rfm": {"recency": int(self.rfm.recency[i]), "frequency": int(self.rfm.frequency[i]),
                        "monetary": int(self.rfm.monetary[i]), "score": int(combined[i]), "group": groups[i - start]},
                "historicClvMinor": int(self.historic_minor[i]), "predictedClvMinor": int(self.predicted_minor[i]),
                "expectedOrders": round(float(self.expected_orders[i]), 4),
                "pAlive": alive, "churnRisk": round(1.0 - alive, 6),
                "expectedNextOrderAt": None if np.isnan(nxt) else now + timedelta(days=float(nxt)),
                "method": self.method, "modelId": self.model_id, "updatedAt": now}))
        return docs


def score(histories: Histories, model: InsightsModel, now: datetime) -> Scores:
    now_days = epoch_days(now)
    rfm = score_all(histories.last, histories.orders, histories.net_minor, model.boundaries)
    if model.method == MODEL:
        alive, expected, value, next_days = _modelled(histories, model, now_days)
    else:
        alive, expected, value, next_days = _heuristic(histories, model, now_days)
    predicted = np.rint(np.maximum(expected * value, 0.0)).astype(np.int64)
    return Scores(histories.ids, rfm, histories.net_minor, predicted, expected, alive, next_days, model.method,
                  model.id)


def _modelled(h: Histories, model: InsightsModel, now_days: float):
    T, t_x, x = h.since_first(now_days), h.span, h.repeats
    alive = model.bgnbd.p_alive(x, t_x, T)
    expected = np.maximum(model.bgnbd.expected_purchases(HORIZON_DAYS, x, t_x, T), 0.0)
    value = model.gamma_gamma.expected_value(x, h.repeat_mean_minor)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap_if_alive = np.where(expected > 0, HORIZON_DAYS * alive / expected, np.inf)
    next_days = np.where((alive >= 0.5) & (gap_if_alive <= MAX_NEXT_ORDER_DAYS), gap_if_alive, np.nan)
    return alive, expected, value, next_days


def _heuristic(h: Histories, model: InsightsModel, now_days: float):
    since_last = h.since_last(now_days)
    gap = heuristics.customer_gap(h.repeats, h.span, model.gap_days)
    alive = heuristics.p_alive(since_last, gap)
    expected = heuristics.expected_orders(alive, gap, HORIZON_DAYS)
    value = h.net_minor / np.maximum(h.orders, 1)  # the customer's own net average order value
    # The next order one usual gap after the latest; an overdue customer who is still likely active: any day now.
    next_days = np.where((alive >= 0.5) & (gap <= MAX_NEXT_ORDER_DAYS), np.maximum(gap - since_last, 0.0), np.nan)
    return alive, expected, value, next_days
