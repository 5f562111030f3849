"""BG/NBD and Gamma-Gamma: the published CDNOW figures, p(alive) against a closed form computed independently here,
the model's known properties, parameter recovery on data simulated from known parameters, and thin data falling
back to the heuristics with the method saying so."""
import math
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from services.customers.insights.domain import bgnbd, gamma_gamma
from services.customers.insights.domain.bgnbd import BgNbd
from services.customers.insights.domain.gamma_gamma import GammaGamma
from services.customers.insights.domain.history import summarize
from services.customers.insights.domain.model import HEURISTIC, MODEL, Thresholds, fit_model
from services.customers.insights.domain.scoring import score

# Fader, Hardie & Lee (2005): the BG/NBD fitted on the CDNOW sample (weeks), and Fader & Hardie (2013): its
# Gamma-Gamma fit.
CDNOW = BgNbd(r=0.243, alpha=4.414, a=0.793, b=2.426)
CDNOW_SPEND = GammaGamma(p=6.25, q=3.74, gamma=15.44)
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def closed_form_p_alive(r, alpha, a, b, x, t_x, T) -> float:
    """The paper's equation 13, written out with plain floats."""
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + (a / (b + x - 1)) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def test_expected_purchases_match_the_published_cdnow_example():
    # The paper's worked example: x = 2, t_x = 30.43, T = 38.86 weeks -> 1.226 purchases in the next 39 weeks.
    assert CDNOW.expected_purchases(39, [2], [30.43], [38.86])[0] == pytest.approx(1.226, abs=5e-4)


@pytest.mark.parametrize("x, t_x, T", [(0, 0, 30), (1, 5, 30), (2, 30.43, 38.86), (7, 20, 52), (3, 1, 78)])
def test_p_alive_matches_the_closed_form(x, t_x, T):
    expected = closed_form_p_alive(CDNOW.r, CDNOW.alpha, CDNOW.a, CDNOW.b, x, t_x, T)
    assert CDNOW.p_alive([x], [t_x], [T])[0] == pytest.approx(expected, rel=1e-12)


def test_p_alive_properties():
    # A customer with no repeat purchase is alive in BG/NBD (dropout happens only after a purchase); the longer
    # the silence since the latest purchase, the lower p(alive); a purchase right now makes it the highest.
    assert CDNOW.p_alive([0], [0], [100])[0] == 1.0
    silences = CDNOW.p_alive([3, 3, 3], [50, 30, 10], [50, 50, 50])
    assert silences[0] > silences[1] > silences[2]


def test_expected_purchases_agree_with_simulation_for_a_new_customer():
    rng = np.random.default_rng(3)
    rates = rng.gamma(CDNOW.r, 1 / CDNOW.alpha, 200_000)
    dropout = rng.beta(CDNOW.a, CDNOW.b, 200_000)
    # Repeat purchases in (0, 39] of a customer whose first purchase was at 0: a Poisson count, cut at the purchase
    # after which they drop out (geometric: the j-th repeat purchase is the last with probability p).
    last_possible = rng.geometric(dropout)
    simulated = np.minimum(rng.poisson(rates * 39), last_possible).mean()
    assert CDNOW.unconditional_purchases(39) == pytest.approx(simulated, rel=0.03)


def test_gamma_gamma_conditional_value_is_the_published_formula():
    x, m_x = np.array([0, 1, 4]), np.array([0.0, 30.0, 12.5])
    by_hand = [6.25 * (15.44 + xi * mi) / (6.25 * xi + 3.74 - 1) for xi, mi in zip(x, m_x)]
    assert CDNOW_SPEND.expected_value(x, m_x).tolist() == pytest.approx(by_hand)
    assert CDNOW_SPEND.population_mean == pytest.approx(6.25 * 15.44 / 2.74)


def simulate_bgnbd(n: int, truth: BgNbd, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rates = rng.gamma(truth.r, 1 / truth.alpha, n)
    dropout = rng.beta(truth.a, truth.b, n)
    T = rng.uniform(200, 700, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / rates[i])
            if t > T[i]:
                break
            x[i] += 1
            t_x[i] = t
            if rng.random() < dropout[i]:
                break
    return x, t_x, T


def test_bgnbd_recovers_the_parameters_it_was_simulated_from():
    # 8,000 customers over 200-700 days; tolerance 20% per parameter (seeded: the run is deterministic; across
    # seeds the estimates stay within about 15%).
    truth = BgNbd(r=0.5, alpha=20.0, a=0.8, b=2.5)
    fitted = bgnbd.fit(*simulate_bgnbd(8000, truth, np.random.default_rng(11)))
    assert fitted.converged and fitted.model is not None
    for name in bgnbd.PARAMS:
        assert getattr(fitted.model, name) == pytest.approx(getattr(truth, name), rel=0.2), name


def test_gamma_gamma_recovers_the_parameters_it_was_simulated_from():
    rng = np.random.default_rng(5)
    n = 5000
    nu = rng.gamma(CDNOW_SPEND.q, 1 / CDNOW_SPEND.gamma, n)
    x = rng.integers(1, 8, n)
    m_x = np.array([rng.gamma(CDNOW_SPEND.p, 1 / nu[i], x[i]).mean() for i in range(n)])
    fitted = gamma_gamma.fit(x, m_x)
    assert fitted.model is not None
    for name in gamma_gamma.PARAMS:
        assert getattr(fitted.model, name) == pytest.approx(getattr(CDNOW_SPEND, name), rel=0.2), name


def orders_from(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, rng) -> list[dict]:
    """Orders with the simulated histories and Gamma-Gamma values (each customer's own spend level)."""
    orders = []
    scale = 1 / rng.gamma(CDNOW_SPEND.q, 1 / CDNOW_SPEND.gamma, len(x))
    for i in range(len(x)):
        first = NOW - timedelta(days=float(T[i]))
        orders.append({"customerId": f"c{i}", "placedAt": first, "status": "paid",
                       "totalMinor": int(100 * rng.gamma(CDNOW_SPEND.p, scale[i])) + 1})
        for k in range(1, int(x[i]) + 1):  # repeats spread evenly up to t_x, a day apart at least
            at = first + timedelta(days=max(float(t_x[i]) * k / x[i], k))
            orders.append({"customerId": f"c{i}", "placedAt": at, "status": "paid",
                           "totalMinor": int(100 * rng.gamma(CDNOW_SPEND.p, scale[i])) + 1})
    return orders


def test_a_shop_with_enough_repeat_customers_gets_the_model():
    rng = np.random.default_rng(2)
    x, t_x, T = simulate_bgnbd(600, BgNbd(r=0.5, alpha=20.0, a=0.8, b=2.5), rng)
    histories = summarize(orders_from(x, t_x, T, rng))
    model = fit_model(histories, NOW)
    assert model.method == MODEL and model.reason == "converged"
    assert set(model.params()) == {"r", "alpha", "a", "b", "p", "q", "gamma"}
    scores = score(histories, model, NOW)
    assert np.all((scores.p_alive >= 0) & (scores.p_alive <= 1))
    assert np.all(scores.predicted_minor >= 0)
    one_timers = histories.repeats == 0
    assert np.all(scores.p_alive[one_timers] == 1.0)  # BG/NBD's property, documented


def test_thin_data_falls_back_to_the_heuristics_and_says_so():
    orders = [{"customerId": f"c{i}", "placedAt": NOW - timedelta(days=10 * i + 1), "status": "paid",
               "totalMinor": 4000} for i in range(20)]
    orders += [{"customerId": "c0", "placedAt": NOW - timedelta(days=31), "status": "paid", "totalMinor": 6000}]
    histories = summarize(orders)
    model = fit_model(histories, NOW, Thresholds(min_customers=100, min_repeat_customers=30))
    assert model.method == HEURISTIC and "too little data" in model.reason
    docs = dict(score(histories, model, NOW).documents(NOW))
    assert all(d["method"] == HEURISTIC for d in docs.values())
    # c0: two purchases 30 days apart, the latest a day ago -> within their usual gap: alive, next order expected.
    c0 = docs["c0"]
    assert c0["pAlive"] == 1.0 and c0["churnRisk"] == 0.0 and c0["expectedNextOrderAt"] > NOW
    assert c0["predictedClvMinor"] > 0 and c0["historicClvMinor"] == 10000
    # c19: bought once 191 days ago in a shop where customers come back about every few hundred days at best.
    assert 0.0 <= docs["c19"]["pAlive"] <= 1.0
    assert math.isclose(docs["c19"]["churnRisk"], 1 - docs["c19"]["pAlive"], abs_tol=1e-6)


def test_a_failed_fit_falls_back_to_the_heuristics():
    # Nobody ever buys again after a first repeat: enough customers, but Gamma-Gamma gets no usable values.
    orders = []
    for i in range(40):
        first = NOW - timedelta(days=100 + i)
        orders.append({"customerId": f"c{i}", "placedAt": first, "status": "paid", "totalMinor": 5000})
        orders.append({"customerId": f"c{i}", "placedAt": first + timedelta(days=3), "status": "paid",
                       "totalMinor": 2000, "returnedMinor": 2000})  # fully returned: worth 0
    model = fit_model(summarize(orders), NOW, Thresholds(min_customers=10, min_repeat_customers=10))
    assert model.method == HEURISTIC and "fit unusable" in model.reason
