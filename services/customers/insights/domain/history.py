"""Purchase histories: a batch of customers' orders reduced to the few numbers RFM and the models need, columnar.

What counts (docs/insights.md, How the figures are computed): an order in a counted status (pending, paid,
shipped, delivered: the same orders as totalSpent) for what it still counts for, its total less returned items.
Cancelled and refunded orders don't count at all. Orders on the same UTC day are one purchase for the models
(BG/NBD counts purchase occasions, as Fader, Hardie & Lee and `lifetimes` do); RFM's frequency counts orders.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from services.customers.domain.orders import COUNTED

DAY = 86400.0
# What the insights read of an order; the stores project orders to these.
ORDER_FIELDS = {"customerId": 1, "placedAt": 1, "status": 1, "totalMinor": 1, "returnedMinor": 1}


@dataclass(frozen=True)
class Histories:
    """One row per customer with at least one counted order; times are days since the epoch (floats)."""
    ids: list[str]
    orders: np.ndarray  # counted orders (RFM frequency)
    repeats: np.ndarray  # x: purchase days after the first one (BG/NBD frequency)
    first: np.ndarray  # first purchase, epoch days
    last: np.ndarray  # latest purchase, epoch days
    net_minor: np.ndarray  # net revenue to date, minor units (historic CLV, RFM monetary)
    repeat_mean_minor: np.ndarray  # mean net value of the repeat purchase days (Gamma-Gamma's m_x); 0 when x = 0

    def __len__(self) -> int:
        return len(self.ids)

    def since_first(self, now_days: float) -> np.ndarray:
        """T: how long each customer has been a customer, in days."""
        return np.maximum(now_days - self.first, 0.0)

    def since_last(self, now_days: float) -> np.ndarray:
        return np.maximum(now_days - self.last, 0.0)

    @property
    def span(self) -> np.ndarray:
        """t_x: from the first purchase to the latest one, in days."""
        return self.last - self.first


def epoch_days(moment: datetime) -> float:
    return moment.timestamp() / DAY


@dataclass
class OrderColumns:
    """Counted orders as parallel columns; customers are numbered in order of first appearance."""
    names: list[str]
    codes: list[int]
    times: list[float]  # placed at, epoch days
    values: list[int]  # net value, minor units

    @classmethod
    def of(cls, orders: Iterable[dict]) -> "OrderColumns":
        index: dict[str, int] = {}
        codes, times, values = [], [], []
        for order in orders:
            if order.get("status") not in COUNTED:
                continue
            codes.append(index.setdefault(order["customerId"], len(index)))
            times.append(order["placedAt"].timestamp() / DAY)
            values.append(order["totalMinor"] - (order.get("returnedMinor") or 0))
        return cls(list(index), codes, times, values)


def summarize(orders: Iterable[dict]) -> Histories:
    """Reduces orders (any order of arrival) to one row per customer, set-based with numpy."""
    return summarize_columns(OrderColumns.of(orders))


def summarize_columns(columns: OrderColumns) -> Histories:
    n = len(columns.names)
    if not n:
        empty = np.zeros(0)
        return Histories([], empty.astype(np.int64), empty.astype(np.int64), empty, empty, empty.astype(np.int64),
                         empty)
    codes = np.asarray(columns.codes, dtype=np.int64)
    t = np.asarray(columns.times, dtype=np.float64)
    v = np.asarray(columns.values, dtype=np.int64)
    orders = np.bincount(codes, minlength=n).astype(np.int64)
    net = np.bincount(codes, weights=v, minlength=n).round().astype(np.int64)
    first = np.full(n, np.inf)
    np.minimum.at(first, codes, t)
    last = np.full(n, -np.inf)
    np.maximum.at(last, codes, t)
    # Purchase days: (customer, UTC day) pairs; each day's value is the sum of its orders.
    day = np.floor(t).astype(np.int64)
    pair = codes.astype(np.int64) * (1 << 32) + day
    pairs, pair_codes = np.unique(pair, return_inverse=True)
    day_value = np.bincount(pair_codes, weights=v, minlength=len(pairs))
    pair_customer = pairs >> 32
    days_per_customer = np.bincount(pair_customer, minlength=n)
    repeats = days_per_customer - 1
    # The first purchase day's value: pairs are sorted by customer then day, so each customer's first pair leads.
    starts = np.concatenate(([0], np.cumsum(days_per_customer)[:-1]))
    first_day_value = day_value[starts]
    repeat_mean = np.where(repeats > 0, (net - first_day_value) / np.maximum(repeats, 1), 0.0)
    return Histories(columns.names, orders, repeats.astype(np.int64), first, last, net, repeat_mean)
