"""Thin-data heuristics: what a customer gets when the shop's data is too thin for the models (docs/insights.md,
When the data is thin). Transparent rules on the customer's own gaps between purchases, with the shop's typical
gap standing in where the customer has none.
"""
import numpy as np

DEFAULT_GAP_DAYS = 365.0  # a shop where nobody came back yet: assume a yearly rhythm
MAX_GAP_DAYS = 3650.0
MIN_GAP_DAYS = 7.0


def shop_gap(repeats: np.ndarray, since_first: np.ndarray) -> float:
    """The shop's typical days between purchases: all customer-days observed over all repeat purchases (a pooled
    Poisson rate), or DEFAULT_GAP_DAYS when nobody bought twice."""
    purchases = float(np.sum(repeats))
    if purchases <= 0:
        return DEFAULT_GAP_DAYS
    return float(np.clip(np.sum(np.maximum(since_first, 1.0)) / purchases, MIN_GAP_DAYS, MAX_GAP_DAYS))


def customer_gap(repeats: np.ndarray, span: np.ndarray, gap_of_shop: float) -> np.ndarray:
    """Each customer's typical gap: the mean of their own gaps, never under MIN_GAP_DAYS (two orders a day apart
    don't make a daily buyer); a one-time buyer gets the shop's gap."""
    own = span / np.maximum(repeats, 1)
    return np.clip(np.where(repeats > 0, own, gap_of_shop), MIN_GAP_DAYS, MAX_GAP_DAYS)


def p_alive(since_last: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """1 until the customer is past their usual gap, then exp(-overdue / gap): 0.37 one gap overdue, 0.14 two."""
    return np.minimum(1.0, np.exp(-(since_last - gap) / gap))


def expected_orders(alive: np.ndarray, gap: np.ndarray, horizon_days: float) -> np.ndarray:
    """Purchases in the horizon at the customer's own rhythm, weighed by the chance they are still a customer."""
    return alive * horizon_days / gap
