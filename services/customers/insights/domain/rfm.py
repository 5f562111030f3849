"""RFM: recency, frequency and monetary value scored 1-5 by quintiles of the shop's own customers, and the named
groups of the R/F grid (docs/insights.md, RFM).

Boundaries: the 20th, 40th, 60th and 80th percentiles (linear interpolation) of each value over every customer with
a counted order, taken at the refit and stored with the model, so one customer can be scored later without
rescanning the shop. A score is 1 + how many boundaries the customer's value is strictly above. So equal values
always get equal scores; the lowest value always scores 1; when many customers share a value several boundaries
fall on it and the scores between are skipped (in a shop where most customers bought once, a one-time buyer has
F = 1 and a second order jumps to F = 4 or 5: they are then in the top two fifths). Recency is scored on the date
of the latest order (later is better), so scores stay comparable as days pass between refits. No volume floor:
with one customer every boundary is their own value and every score is 1; three distinct customers get 1, 3, 5.
"""
from dataclasses import dataclass

import numpy as np

QUANTILES = (0.2, 0.4, 0.6, 0.8)

# The R/F grid (rows: recency score, columns: frequency score 1..5), the common mapping of the RFM literature
# with "Lost" split off the bottom-left corner of "Hibernating".
GRID: dict[int, tuple[str, str, str, str, str]] = {
    5: ("New", "Potential loyalists", "Potential loyalists", "Champions", "Champions"),
    4: ("Promising", "Potential loyalists", "Potential loyalists", "Loyal", "Loyal"),
    3: ("About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"),
    2: ("Hibernating", "Hibernating", "At risk", "At risk", "Cannot lose them"),
    1: ("Lost", "Hibernating", "At risk", "At risk", "Cannot lose them"),
}
# GRID as an array indexed [recency, frequency] (row and column 0 unused), for the vectorised lookup.
_TABLE = np.array([[""] * 6] + [[""] + list(GRID[r]) for r in range(1, 6)], dtype=object)
GROUPS = ("Champions", "Loyal", "Potential loyalists", "New", "Promising", "Need attention", "About to sleep",
          "At risk", "Cannot lose them", "Hibernating", "Lost")


@dataclass(frozen=True)
class Boundaries:
    """Four ascending cut points per dimension; recency's are latest-order dates in epoch days."""
    recency: tuple[float, ...]
    frequency: tuple[float, ...]
    monetary: tuple[float, ...]

    @classmethod
    def of(cls, last_days: np.ndarray, orders: np.ndarray, net_minor: np.ndarray) -> "Boundaries":
        if not len(last_days):
            return cls((0.0,) * 4, (0.0,) * 4, (0.0,) * 4)
        return cls(*(tuple(float(b) for b in np.quantile(np.asarray(values, dtype=np.float64), QUANTILES))
                     for values in (last_days, orders, net_minor)))

    def as_dict(self) -> dict:
        return {"recency": list(self.recency), "frequency": list(self.frequency), "monetary": list(self.monetary)}

    @classmethod
    def from_dict(cls, data: dict) -> "Boundaries":
        return cls(tuple(data["recency"]), tuple(data["frequency"]), tuple(data["monetary"]))


def score(values: np.ndarray, boundaries: tuple[float, ...]) -> np.ndarray:
    """1 + the number of boundaries each value is strictly above."""
    return 1 + np.searchsorted(np.asarray(boundaries, dtype=np.float64), np.asarray(values, dtype=np.float64),
                               side="left")


@dataclass(frozen=True)
class RfmScores:
    recency: np.ndarray
    frequency: np.ndarray
    monetary: np.ndarray

    @property
    def combined(self) -> np.ndarray:
        return self.recency * 100 + self.frequency * 10 + self.monetary

    def groups(self, start: int = 0, stop: int | None = None) -> list[str]:
        """The group of customers start..stop (default all), looked up in the grid as one numpy take."""
        return _TABLE[self.recency[start:stop], self.frequency[start:stop]].tolist()


def score_all(last_days: np.ndarray, orders: np.ndarray, net_minor: np.ndarray, boundaries: Boundaries) -> RfmScores:
    return RfmScores(score(last_days, boundaries.recency), score(orders, boundaries.frequency),
                     score(net_minor, boundaries.monetary))


def group_of(recency: int, frequency: int) -> str:
    return GRID[recency][frequency - 1]
