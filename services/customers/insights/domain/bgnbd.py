"""BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way", Marketing Science 24(2)): while
alive, a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha); after each purchase they drop out
with probability p ~ Beta(a, b). Fitted by maximum likelihood (their equation 6) with SciPy.

Inputs per customer: x repeat purchases, t_x the time of the latest one and T the time since the first one, all in
the same unit (days here, so alpha is in days).
"""
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

PARAMS = ("r", "alpha", "a", "b")


@dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float

    def as_dict(self) -> dict:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}

    def p_alive(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """P(alive | x, t_x, T) (their equation 13): 1 for x = 0, as dropping out happens only after a purchase."""
        x, t_x, T = _arrays(x, t_x, T)
        log_ratio = (self.r + x) * (np.log(self.alpha + T) - np.log(self.alpha + t_x))
        odds = np.where(x > 0, self.a / np.maximum(self.b + x - 1, 1e-300) * np.exp(np.minimum(log_ratio, 700)), 0.0)
        return 1.0 / (1.0 + odds)

    def expected_purchases(self, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: purchases expected in the next t (their equation 10)."""
        x, t_x, T = _arrays(x, t_x, T)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = t / (alpha + T + t)
        tail = np.exp((r + x) * np.log((alpha + T) / (alpha + T + t))) * hyp2f1(r + x, b + x, a + b + x - 1, z)
        head = (a + b + x - 1) / (a - 1)
        return head * (1.0 - tail) * self.p_alive(x, t_x, T)

    def unconditional_purchases(self, t: float) -> float:
        """E[X(t)] for a new customer (their equation 9)."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Each customer's log-likelihood (their equation 6, in logs: two terms summed with logaddexp)."""
    r, alpha, a, b = params
    base = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    stays = betaln(a, b + x) - (r + x) * np.log(alpha + T)
    # Dropped out right after the latest purchase: only customers with a repeat purchase can have.
    safe_x = np.maximum(x, 1)
    drops = np.where(x > 0, betaln(a + 1, b + safe_x - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
    return base + np.logaddexp(stays, drops)


@dataclass(frozen=True)
class Fit:
    model: BgNbd | None
    log_likelihood: float | None
    converged: bool
    message: str


BOUNDS = (1e-4, 1e5)  # beyond these the fit is degenerate (a rate or dropout spread nobody believes)


def fit(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> Fit:
    """Maximum likelihood over log-parameters (so they stay positive) with L-BFGS-B; a few starting points, the
    first that converges wins. `model` is None when no start converged to finite parameters within BOUNDS."""
    x, t_x, T = _arrays(x, t_x, T)
    rate = max(x.sum(), 1.0) / max(T.sum(), 1.0)  # purchases per day, pooled: where alpha starts

    def negative(log_params: np.ndarray) -> float:
        value = -log_likelihood(np.exp(log_params), x, t_x, T).sum()
        return value if np.isfinite(value) else 1e300

    best = None
    for r0, a0, b0 in ((1.0, 1.0, 1.0), (0.3, 0.8, 2.5), (2.0, 2.0, 5.0)):
        start = np.log([r0, r0 / rate, a0, b0])
        result = minimize(negative, start, method="L-BFGS-B", bounds=[(-12, 14)] * 4)
        if result.success and np.isfinite(result.fun):
            best = result
            break  # later starts are there for when this one fails
    if best is None:
        return Fit(None, None, False, "the likelihood did not converge from any start")
    params = np.exp(best.x)
    if np.any(params <= BOUNDS[0]) or np.any(params >= BOUNDS[1]):
        shown = ", ".join(f"{name}={value:.6g}" for name, value in zip(PARAMS, params))
        return Fit(None, float(-best.fun), True, f"degenerate parameters {shown}")
    return Fit(BgNbd(*map(float, params)), float(-best.fun), True, "converged")


def _arrays(*columns) -> list[np.ndarray]:
    return [np.asarray(c, dtype=np.float64) for c in columns]
