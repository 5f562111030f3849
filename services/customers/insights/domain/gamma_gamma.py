"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for Customer Base
Analysis", Journal of Marketing Research 42(4); Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"):
a customer's purchase values are Gamma(p, nu) with nu ~ Gamma(q, gamma) across customers. Fitted by maximum
likelihood on the repeat customers' mean purchase value m_x over their x repeat purchases.
"""
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln

PARAMS = ("p", "q", "gamma")


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float

    def as_dict(self) -> dict:
        return {"p": self.p, "q": self.q, "gamma": self.gamma}

    @property
    def population_mean(self) -> float:
        """E[M] for a customer with no repeat purchase yet: p * gamma / (q - 1)."""
        return self.p * self.gamma / (self.q - 1)

    def expected_value(self, x: np.ndarray, m_x: np.ndarray) -> np.ndarray:
        """E[M | x, m_x] = p (gamma + x m_x) / (p x + q - 1): the population mean pulled toward the customer's own
        mean the more purchases they made. x = 0 gives the population mean."""
        x = np.asarray(x, dtype=np.float64)
        m_x = np.asarray(m_x, dtype=np.float64)
        return self.p * (self.gamma + x * m_x) / (self.p * x + self.q - 1)


def log_likelihood(params: np.ndarray, x: np.ndarray, m_x: np.ndarray) -> np.ndarray:
    """Each customer's log-likelihood of m_x (Fader & Hardie 2013, equation 3, in logs)."""
    p, q, gamma = params
    return (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(gamma) + (p * x - 1) * np.log(m_x)
            + p * x * np.log(x) - (p * x + q) * np.log(gamma + m_x * x))


@dataclass(frozen=True)
class Fit:
    model: GammaGamma | None
    log_likelihood: float | None
    converged: bool
    message: str


def fit(x: np.ndarray, m_x: np.ndarray) -> Fit:
    """Only customers with x > 0 and m_x > 0 carry information (a value of 0 has no Gamma likelihood). The fit is
    degenerate when q <= 1 (the population mean would be infinite) or a parameter runs off to the bounds."""
    x = np.asarray(x, dtype=np.float64)
    m_x = np.asarray(m_x, dtype=np.float64)
    keep = (x > 0) & (m_x > 0)
    x, m_x = x[keep], m_x[keep]
    if not len(x):
        return Fit(None, None, False, "no repeat purchase with a value")

    def negative(log_params: np.ndarray) -> float:
        value = -log_likelihood(np.exp(log_params), x, m_x).sum()
        return value if np.isfinite(value) else 1e300

    best = None
    mean = float(m_x.mean())
    for p0, q0 in ((2.0, 3.0), (6.0, 4.0), (1.0, 1.5)):
        result = minimize(negative, np.log([p0, q0, mean * (q0 - 1) / p0]), method="L-BFGS-B",
                          bounds=[(-12, 14), (-12, 14), (-12, 30)])
        if result.success and np.isfinite(result.fun):
            best = result
            break  # later starts are there for when this one fails
    if best is None:
        return Fit(None, None, False, "the likelihood did not converge from any start")
    p, q, gamma = map(float, np.exp(best.x))
    if q <= 1.0 or not 1e-4 < p < 1e5 or not 1e-4 < q < 1e5:
        return Fit(None, float(-best.fun), True, f"degenerate parameters p={p:.6g} q={q:.6g} gamma={gamma:.6g}")
    return Fit(GammaGamma(p, q, gamma), float(-best.fun), True, "converged")
