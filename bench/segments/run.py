"""Inserts N customers straight into a scratch database, builds a segment through the customers API, then times
its count through the API (GET /customer-segments/{slug}) against pymongo count_documents with the same filter."""
import argparse
import asyncio
import os
import random
import shutil
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from bench.harness import BenchSpec, Env, Figure, delete_service_broker_names
from devstack.infra import ensure_rabbitmq, free_port, start_secantus
from services.customers.app import create_app
from services.customers.segments.domain.compiler import compile_filter
from services.customers.segments.domain.language import parse_query
from services.customers.settings import CustomersSettings
from shared.internal_auth import internal_headers

QUERY = "total_spent >= 500"
TIERS = ["bronze", "silver", "gold", "platinum"]


def _customers(n: int, now: datetime) -> list[dict]:
    rng = random.Random(7)
    docs = []
    for i in range(n):
        spent = rng.randint(0, 2_000_00)
        docs.append({"_id": f"bench-{i:07d}", "firstName": "Bench", "lastName": f"C{i}", "email": f"c{i}@bench.test",
                     "emailKey": f"c{i}@bench.test", "status": "active", "loyaltyTier": rng.choice(TIERS),
                     "tags": ["vip"] if i % 10 == 0 else [], "totalSpentMinor": spent, "totalOrders": spent // 5000,
                     "lastPurchaseDate": now - timedelta(days=rng.randint(0, 400)),
                     "registrationDate": now - timedelta(days=rng.randint(40, 900)), "loyaltyPoints": 0,
                     "preferences": {}, "communication": {"email": True, "sms": False, "push": False},
                     "createdAt": now, "updatedAt": now})
    return docs


async def run(customers: int, mongo_url: str, amqp_url: str, repeats: int) -> list[Figure]:
    database = f"bench_segments_{uuid.uuid4().hex[:8]}"
    os.environ.setdefault("SEGMENTS_BATCH_SIZE", "1000")  # read by CustomersSettings (settings.segments)
    settings = CustomersSettings(mongo_url=mongo_url, amqp_url=amqp_url, mongo_database=database,
                                 events_exchange=f"bench{database}.events", queue_prefix=f"bench{database}.",
                                 log_json=False)
    app = create_app(settings)
    raw = AsyncMongoClient(mongo_url, tz_aware=True)
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            now = datetime.now(timezone.utc)
            started = time.perf_counter()
            docs = _customers(customers, now)
            for start in range(0, customers, 10_000):
                await raw[database]["customers"].insert_many(docs[start:start + 10_000], ordered=False)
            print(f"inserted {customers:,} customers in {time.perf_counter() - started:.1f} s")
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), headers=internal_headers(settings),
                                         base_url="http://c",
                                         timeout=600) as api:
                started = time.perf_counter()
                created = (await api.post("/customer-segments", json={"name": "Bench", "query": QUERY})).json()
                while (await api.get(f"/customer-segments/{created['slug']}")).json()["state"] != "ready":
                    await asyncio.sleep(0.5)
                print(f"segment '{QUERY}' built (members materialised) in {time.perf_counter() - started:.1f} s")
                api_times, raw_times = [], []
                mongo_filter = compile_filter(parse_query(QUERY), now)
                for _ in range(repeats):
                    t = time.perf_counter()
                    api_count = (await api.get(f"/customer-segments/{created['slug']}")).json()["customerCount"]
                    api_times.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    raw_count = await raw[database]["customers"].count_documents(mongo_filter)
                    raw_times.append(time.perf_counter() - t)
            api_ms, raw_ms = 1000 * min(api_times), 1000 * min(raw_times)
            print(f"API count      : {api_count:,} in {api_ms:.1f} ms (best of {repeats})")
            print(f"count_documents: {raw_count:,} in {raw_ms:.1f} ms (best of {repeats}), filter {mongo_filter}")
            agree = api_count == raw_count
            print(f"ratio raw/API  : {raw_ms / api_ms:.1f}x; counts {'agree' if agree else 'DIFFER'}")
            return [Figure("segments", f"segment count through the API ({customers:,} customers)", api_ms,
                           "count_documents with the same filter", raw_ms, "ms", higher_is_better=False,
                           note="" if agree else "COUNTS DIFFER")]
    finally:
        await raw.drop_database(database)
        await raw.close()
        await delete_service_broker_names(amqp_url, settings)


def measure(env: Env, customers: int) -> list[Figure]:
    return asyncio.run(run(customers, env.mongo_url, env.amqp_url, 3))


SPEC = BenchSpec(name="segments", size_name="customers", quick_size=20_000, measure=measure,
                 summary="a segment's count through the customers API vs count_documents with the same filter")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mongo-url", default=os.environ.get("MONGO_URL"),
                        help="defaults to a SecantusDB started for the run")
    parser.add_argument("--amqp-url", default=os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    args = parser.parse_args()
    ensure_rabbitmq(args.amqp_url)
    process, storage = None, None
    if not args.mongo_url:
        storage = tempfile.mkdtemp(prefix="bench-secantus-")
        port = free_port()
        process = start_secantus(port, storage)
        args.mongo_url = f"mongodb://127.0.0.1:{port}/"
    try:
        asyncio.run(run(args.customers, args.mongo_url, args.amqp_url, args.repeats))
    finally:
        if process:
            process.terminate()
            process.wait(10)
            shutil.rmtree(storage, ignore_errors=True)


if __name__ == "__main__":
    main()
