"""python -m bench.dashboard_metrics [--customers N]: times the dashboard's figures (growth for each period,
the cohort table, a feed page) on N customers with about three orders each over two years, some returned or
refunded, straight against a fresh SecantusDB (the stores and handlers the routes call, no HTTP). Run by hand."""
import argparse
import asyncio
import random
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from pymongo import AsyncMongoClient

from devstack.infra import free_port, start_secantus
from services.customers.domain.activity_feed import FeedFilter
from services.customers.domain.stats_periods import PERIODS
from services.customers.handlers.activity_feed import feed_page
from services.customers.handlers.cohorts import cohort_table
from services.customers.handlers.stats import growth_stats
from services.customers.store.activity import ActivityStore
from services.customers.store.cohorts import CohortStore
from services.customers.store.customers import CustomerStore
from services.customers.store.stats import StatsStore


def seed(n: int, now: datetime) -> tuple[list[dict], list[dict], list[dict]]:
    rng = random.Random(7)
    customers, orders, entries = [], [], []
    for i in range(n):
        registered = now - timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1440))
        customer_id = f"c{i:07d}"
        customers.append({"_id": customer_id, "firstName": "Ann", "lastName": f"Shop{i}", "emailKey": f"{i}@b.test",
                          "status": "active", "registrationDate": registered, "createdAt": registered})
        for _ in range(rng.choice([0, 1, 2, 3, 4, 5, 6])):
            paid = registered + timedelta(days=rng.randint(0, max(1, (now - registered).days)))
            total = rng.randint(1_000, 30_000)
            order = {"_id": str(uuid.uuid4()), "customerId": customer_id, "placedBy": customer_id, "status": "paid",
                     "totalMinor": total, "placedAt": paid, "paidAt": paid, "updatedAt": paid}
            roll = rng.random()
            if roll < 0.05:
                order |= {"status": "refunded", "refundedAt": paid + timedelta(days=rng.randint(1, 30))}
            elif roll < 0.12:
                amount = total // 2
                order |= {"returnedMinor": amount, "returns": [
                    {"id": "r", "returnedAt": paid + timedelta(days=rng.randint(1, 30)), "amountMinor": amount}]}
            orders.append(order)
            entries.append({"_id": str(uuid.uuid4()), "customerId": customer_id, "type": "order.placed",
                            "summary": "Order placed", "occurredAt": paid, "data": {}})
    return customers, orders, entries


async def run(n: int) -> None:
    storage = tempfile.mkdtemp(prefix="bench-dashboard-")
    port = free_port()
    process = start_secantus(port, storage)
    try:
        db = AsyncMongoClient(f"mongodb://127.0.0.1:{port}/")["dashboard"]
        now = datetime.now(timezone.utc)
        customers, orders, entries = seed(n, now)
        for name, docs in (("customers", customers), ("orders", orders), ("activity", entries)):
            for i in range(0, len(docs), 5000):
                await db[name].insert_many(docs[i:i + 5000])
        deps = SimpleNamespace(customers=CustomerStore(db), stats=StatsStore(db), cohorts=CohortStore(db),
                               activity=ActivityStore(db))
        for store in (deps.customers, deps.stats, deps.activity):
            await store.ensure_indexes()
        print(f"{n} customers, {len(orders)} orders, {len(entries)} timeline entries")
        for period in PERIODS:
            started = time.perf_counter()
            await growth_stats(deps, period, None, None, now)
            print(f"growth {period:8} {time.perf_counter() - started:6.2f} s")
        for label, call in (("cohorts 12 months", cohort_table(deps, 12, now)),
                            ("feed page of 50", feed_page(deps, FeedFilter(), 50, None)),
                            ("feed, one family", feed_page(deps, FeedFilter(kinds=("order",)), 50, None))):
            started = time.perf_counter()
            await call
            print(f"{label:17} {time.perf_counter() - started:6.2f} s")
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=10_000)
    asyncio.run(run(parser.parse_args().customers))


if __name__ == "__main__":
    main()
