"""Scores N customers (RFM and CLV) from seeded synthetic orders through the insights' real code path (orders a page
of customers at a time -> histories -> RFM boundaries, BG/NBD and Gamma-Gamma fits -> every customer's scores)
against the same computation in a plain pandas script (groupby, quantiles, the same likelihoods handed to SciPy).
Peak memory of each is measured in a second, traced run (tracemalloc); the database write is measured apart."""
import argparse
import asyncio
import gc
import time
import tracemalloc
import uuid
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
from pymongo import AsyncMongoClient, InsertOne
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

from bench.harness import BenchSpec, Env, Figure
from services.customers.insights.domain.history import summarize
from services.customers.insights.domain.model import MODEL, fit_model
from services.customers.insights.domain.scoring import score
from services.customers.insights.handlers.refit import join
from services.customers.insights.store.customer_insights import CustomerInsightStore

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
PAGE = 1000  # customers per page, as the refit reads them (INSIGHTS_BATCH_SIZE)
STATUSES = ["paid"] * 17 + ["delivered"] * 2 + ["refunded"]  # one order in twenty refunded


def synthetic_orders(customers: int, seed: int = 14) -> list[list[dict]]:
    """Orders as the refit reads them (the projected fields), one list per page of customers: purchase times from
    a BG/NBD process (rate ~ Gamma(0.7, 1/40 per day), dropout ~ Beta(1, 3)), Gamma spend, some returns."""
    rng = np.random.default_rng(seed)
    rates = rng.gamma(0.7, 1 / 40, customers)
    dropout = rng.beta(1.0, 3.0, customers)
    ages = rng.uniform(30, 900, customers)
    spend = rng.gamma(3.0, 2500.0, customers) + 500
    pages, page = [], []
    for i in range(customers):
        t, times = 0.0, [0.0]
        while len(times) < 60:
            t += rng.exponential(1 / rates[i])
            if t > ages[i] or rng.random() < dropout[i]:
                break
            times.append(t)
        for k, at in enumerate(times):
            total = int(spend[i] * rng.uniform(0.5, 1.5))
            doc = {"_id": f"o{i}-{k}", "customerId": f"c{i:07d}", "placedAt": NOW - timedelta(days=ages[i] - at),
                   "status": STATUSES[int(rng.integers(len(STATUSES)))], "totalMinor": total}
            if rng.random() < 0.1:
                doc["returnedMinor"] = total // 3
            page.append(doc)
        if (i + 1) % PAGE == 0 or i == customers - 1:
            pages.append(page)
            page = []
    return pages


def ours(pages: list[list[dict]]):
    """The refit's computation (services/customers/insights/handlers/refit.py without the database)."""
    histories = join([summarize(page) for page in pages])
    model = fit_model(histories, NOW)
    return histories, model, score(histories, model, NOW)


def pandas_script(pages: list[list[dict]]) -> pd.DataFrame:
    """The same figures written the way a data scientist would in a notebook."""
    orders = pd.DataFrame([o for page in pages for o in page])
    orders = orders[orders["status"].isin(["pending", "paid", "shipped", "delivered"])].copy()
    orders["net"] = orders["totalMinor"] - orders.get("returnedMinor", 0).fillna(0)
    orders["t"] = (orders["placedAt"] - pd.Timestamp(NOW)).dt.total_seconds() / 86400
    orders["day"] = np.floor(orders["t"])
    per = orders.groupby("customerId").agg(orders=("net", "size"), net=("net", "sum"), first=("t", "min"),
                                           last=("t", "max"))
    days = orders.groupby(["customerId", "day"], sort=True)["net"].sum().reset_index()
    per["x"] = days.groupby("customerId").size() - 1
    per["first_day_net"] = days.groupby("customerId")["net"].first()
    per["m_x"] = np.where(per["x"] > 0, (per["net"] - per["first_day_net"]) / per["x"].clip(lower=1), 0.0)
    per["T"] = -per["first"]
    per["t_x"] = per["last"] - per["first"]
    for column, values in (("R", per["last"]), ("F", per["orders"]), ("M", per["net"])):
        cuts = values.quantile([0.2, 0.4, 0.6, 0.8]).to_numpy()
        per[column] = 1 + np.searchsorted(cuts, values.to_numpy(), side="left")
    x, t_x, T, m_x = (per[c].to_numpy(dtype=float) for c in ("x", "t_x", "T", "m_x"))

    def bgnbd_nll(lp):
        r, alpha, a, b = np.exp(lp)
        base = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
        drop = np.where(x > 0, betaln(a + 1, b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
        return -(base + np.logaddexp(betaln(a, b + x) - (r + x) * np.log(alpha + T), drop)).sum()

    rate = x.sum() / T.sum()
    r, alpha, a, b = np.exp(minimize(bgnbd_nll, np.log([1, 1 / rate, 1, 1]), method="L-BFGS-B",
                                     bounds=[(-12, 14)] * 4).x)
    keep = (x > 0) & (m_x > 0)
    xs, ms = x[keep], m_x[keep]

    def gg_nll(lp):
        p, q, g = np.exp(lp)
        return -(gammaln(p * xs + q) - gammaln(p * xs) - gammaln(q) + q * np.log(g) + (p * xs - 1) * np.log(ms)
                 + p * xs * np.log(xs) - (p * xs + q) * np.log(g + ms * xs)).sum()

    p, q, g = np.exp(minimize(gg_nll, np.log([2, 3, ms.mean()]), method="L-BFGS-B",
                              bounds=[(-12, 14), (-12, 14), (-12, 30)]).x)
    odds = np.where(x > 0, a / np.maximum(b + x - 1, 1e-300) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0)
    per["p_alive"] = 1 / (1 + odds)
    horizon = 365.0
    expected = ((a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + horizon)) ** (r + x)
                                             * hyp2f1(r + x, b + x, a + b + x - 1, horizon / (alpha + T + horizon))))
    per["expected"] = expected * per["p_alive"]
    per["predicted"] = np.rint(per["expected"] * p * (g + x * m_x) / (p * x + q - 1))
    return per


def _timed(function, *args):
    gc.collect()
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def _peak_mib(function, *args) -> float:
    gc.collect()
    tracemalloc.start()
    function(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2 ** 20


async def _write_seconds(mongo_url: str, documents: list[tuple[str, dict]]) -> float:
    """The refit's write: each customer's insights in bulk writes of PAGE (customers inserted first, untimed)."""
    client = AsyncMongoClient(mongo_url, tz_aware=True)
    db = client[f"bench_insights_{uuid.uuid4().hex[:8]}"]
    try:
        for start in range(0, len(documents), 5000):
            await db["customers"].bulk_write([InsertOne({"_id": cid, "status": "active"})
                                              for cid, _ in documents[start:start + 5000]], ordered=False)
        store = CustomerInsightStore(db)
        started = time.perf_counter()
        for start in range(0, len(documents), PAGE):
            await store.write(documents[start:start + PAGE], NOW)
        return time.perf_counter() - started
    finally:
        await client.drop_database(db.name)
        await client.close()


def measure(env: Env, customers: int) -> list[Figure]:
    pages = synthetic_orders(customers)
    n_orders = sum(len(p) for p in pages)
    our_seconds, (histories, model, scores) = _timed(ours, pages)
    base_seconds, frame = _timed(pandas_script, pages)
    assert model.method == MODEL, model.reason
    # The two computations must agree before their times mean anything.
    alive = pd.Series(scores.p_alive, index=histories.ids).reindex(frame.index)
    assert np.allclose(alive.to_numpy(), frame["p_alive"].to_numpy(), atol=0.02), "p(alive) disagrees"
    recency = pd.Series(scores.rfm.recency, index=histories.ids).reindex(frame.index)
    assert (recency.to_numpy() == frame["R"].to_numpy()).mean() > 0.999, "RFM recency disagrees"
    docs_seconds, documents = _timed(scores.documents, NOW)
    our_peak, base_peak = _peak_mib(ours, pages), _peak_mib(pandas_script, pages)
    write_size = min(len(documents), 20_000)
    write_seconds = asyncio.run(_write_seconds(env.mongo_url, documents[:write_size]))
    note = (f"{n_orders:,} orders, {model.repeat_customers:,} repeat customers; method {model.method}; "
            f"+{docs_seconds:.2f} s to build the {len(documents):,} documents")
    return [
        Figure("insights", f"scoring {customers:,} customers (RFM + BG/NBD + Gamma-Gamma), insights code path",
               our_seconds, "the same in a plain pandas script", base_seconds, "s", higher_is_better=False,
               note=note),
        Figure("insights", "peak memory (tracemalloc), insights code path", our_peak, "pandas script", base_peak,
               "MiB", higher_is_better=False, note="what each computation allocates; the synthetic orders, made "
               "before, are counted in neither"),
        Figure("insights", f"database write of {write_size:,} customers' insights (SecantusDB, bulk of {PAGE})",
               write_size / write_seconds, "scoring throughput of the code path", customers / our_seconds,
               "customers/s", note="context: the write, not the scoring, bounds a refit on SecantusDB"),
    ]


SPEC = BenchSpec(name="insights", size_name="customers", quick_size=100_000, measure=measure,
                 summary="RFM + CLV scoring through the insights code path vs a plain pandas script")


def main() -> None:
    from bench.harness import servers
    parser = argparse.ArgumentParser(prog="python -m bench.insights")
    parser.add_argument("--customers", type=int, default=SPEC.quick_size)
    args = parser.parse_args()
    with servers() as env:
        for figure in measure(env, args.customers):
            print(f"{figure.subject}: {figure.value:,.3f} {figure.unit} vs {figure.baseline_subject}: "
                  f"{figure.baseline:,.3f} (ratio {figure.ratio:.2f}) {figure.note}")
