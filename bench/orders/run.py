"""Records N orders through the customers API in bulk (POST /orders/batch, 500 rows a call, in-process ASGI, the
service running with its outbox relay) and times it against a raw insert_many of the same order documents (built by
the service's own order_document) into a bare collection, 500 a call, in the same run."""
import argparse
import asyncio
import os
import random
import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from bench.harness import BenchSpec, Env, Figure, delete_service_broker_names, print_figures, servers
from services.customers.app import create_app
from services.customers.domain.orders import BulkOrderRow
from services.customers.domain.search import search_fields
from services.customers.handlers.order_batch import order_document
from services.customers.settings import CustomersSettings
from shared.internal_auth import internal_headers

BATCH = 500
CUSTOMERS = 2_000
SKUS = [("TS-1", "Tee", 15), ("HD-2", "Hoodie", 49.5), ("JN-3", "Jeans", 79), ("CP-4", "Cap", 12.25)]


def customers(n: int, now: datetime) -> list[dict]:
    docs = []
    for i in range(n):
        doc = {"_id": f"bench-{i:06d}", "firstName": "Bench", "lastName": f"C{i}", "email": f"c{i}@bench.test",
               "emailKey": f"c{i}@bench.test", "status": "active", "loyaltyTier": "bronze", "tags": [],
               "totalSpentMinor": 0, "totalOrders": 0, "lastPurchaseDate": None, "registrationDate": now,
               "loyaltyPoints": 0, "preferences": {}, "communication": {"email": True, "sms": False, "push": False},
               "createdAt": now, "updatedAt": now}
        docs.append(doc | search_fields(doc))
    return docs


def rows(n: int, customer_count: int, now: datetime) -> list[dict]:
    """Storefront-style rows: the shop's own order id, one to three items, mostly paid, placed over a month."""
    rng = random.Random(3)
    out = []
    for i in range(n):
        items = [{"sku": sku, "name": name, "quantity": rng.randint(1, 3), "unitPrice": price}
                 for sku, name, price in rng.sample(SKUS, rng.randint(1, 3))]
        out.append({"id": f"bench-order-{i:07d}", "customerId": f"bench-{rng.randrange(customer_count):06d}",
                    "items": items, "status": "paid" if i % 10 else "pending",
                    "placedAt": (now - timedelta(minutes=rng.randint(0, 43_200))).isoformat()})
    return out


async def run(n: int, mongo_url: str, amqp_url: str) -> list[Figure]:
    database = f"bench_orders_{uuid.uuid4().hex[:8]}"
    settings = CustomersSettings(mongo_url=mongo_url, amqp_url=amqp_url, mongo_database=database,
                                 events_exchange=f"bench{database}.events", queue_prefix=f"bench{database}.",
                                 log_json=False)
    app = create_app(settings)
    raw = AsyncMongoClient(mongo_url, tz_aware=True)
    try:
        async with LifespanManager(app, startup_timeout=120, shutdown_timeout=60):
            now = datetime.now(timezone.utc)
            await raw[database]["customers"].insert_many(customers(CUSTOMERS, now))
            bodies = rows(n, CUSTOMERS, now)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), headers=internal_headers(settings),
                                         base_url="http://c", timeout=600) as api:
                started = time.perf_counter()
                recorded = 0
                for start in range(0, n, BATCH):
                    response = await api.post("/orders/batch", json={"orders": bodies[start:start + BATCH]})
                    response.raise_for_status()
                    recorded += sum(r["ok"] and r["recorded"] for r in response.json()["results"])
                api_seconds = time.perf_counter() - started
            # The same documents the service stored, built by its own code, into a bare collection.
            deps = app.state.deps
            docs = [order_document(deps, row.customer_id, row, now)
                    for row in (BulkOrderRow.model_validate(body) for body in bodies)]
            bare = raw[f"{database}_bare"]["orders"]
            started = time.perf_counter()
            for start in range(0, n, BATCH):
                await bare.insert_many(docs[start:start + BATCH])
            raw_seconds = time.perf_counter() - started
            stored = await raw[database]["orders"].count_documents({})
        await raw.drop_database(f"{database}_bare")
        api_rate, raw_rate = n / api_seconds, n / raw_seconds
        print(f"POST /orders/batch : {n:,} orders in {api_seconds:.1f} s = {api_rate:,.0f} orders/s "
              f"({recorded:,} recorded, {stored:,} stored)")
        print(f"raw insert_many    : {n:,} orders in {raw_seconds:.1f} s = {raw_rate:,.0f} orders/s")
        note = f"{BATCH} a call, {CUSTOMERS:,} customers"
        if recorded != n or stored != n:
            note += f"; ONLY {recorded:,} RECORDED, {stored:,} STORED"
        return [Figure("orders", f"orders recorded through POST /orders/batch ({n:,} orders)", api_rate,
                       "raw insert_many of the same documents", raw_rate, "orders/s", note=note)]
    finally:
        await raw.drop_database(database)
        await raw.close()
        await delete_service_broker_names(amqp_url, settings)


def measure(env: Env, n: int) -> list[Figure]:
    return asyncio.run(run(n, env.mongo_url, env.amqp_url))


SPEC = BenchSpec(name="orders", size_name="orders", quick_size=5_000, measure=measure,
                 summary="orders through POST /orders/batch vs a raw insert_many of the same documents")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--mongo-url", default=os.environ.get("MONGO_URL"),
                        help="defaults to a SecantusDB started for the run")
    args = parser.parse_args()
    with servers(args.mongo_url) as env:
        print_figures(asyncio.run(run(args.orders, env.mongo_url, env.amqp_url)))


if __name__ == "__main__":
    main()
