"""Inserts N customers straight into a scratch database, shaped as the customers service stores them (search fields
built by the service's own search_fields), then times searches by name, email and phone prefix through the customers
API (GET /customers?q=..., in-process ASGI) against a direct find with the regex search used before the prefix index
(`{"searchText": {"$regex": <escaped query>}}`, same sort and page) on the same data, in the same run."""
import argparse
import asyncio
import os
import random
import re
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from bench.harness import BenchSpec, Env, Figure, delete_service_broker_names, print_figures, servers
from services.customers.app import create_app
from services.customers.domain.search import search_fields
from services.customers.settings import CustomersSettings
from shared.internal_auth import internal_headers

FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger",
         "Radia", "John", "Sophie", "Tim", "Hedy", "Donald", "Shafi", "Niklaus", "Anita", "Guido", "Lynn", "Bjarne",
         "Joan", "Yukihiro", "Mary", "Claude", "Ivan", "Carla", "Jean", "José", "Chloé", "Mateo", "Aisha", "Noah",
         "Olivia", "Liam", "Emma", "Lucas", "Mia", "Leon", "Nora", "Omar", "Priya", "Ravi", "Sara", "Yuki", "Zoe"]
# Surnames from syllables: a few thousand, so a surname prefix selects a realistic share of a shop's customers.
SYLLABLES = ["an", "ber", "cor", "dal", "el", "fen", "gar", "hol", "ist", "jor", "kel", "lan", "mor", "nel", "ost",
             "per", "quin", "ros", "sten", "tal", "ulm", "ver", "wick", "yor", "zan", "ack", "bri", "cha", "dre"]
AREAS = ["212", "312", "415", "503", "617", "646", "702", "718", "808", "917"]
PAGE = 20


def customers(n: int, now: datetime) -> list[dict]:
    rng = random.Random(11)
    docs = []
    for i in range(n):
        first = rng.choice(FIRST)
        last = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 3]))).capitalize()
        email = f"{first[0]}.{last}{i}@bench.test".lower()
        doc = {"_id": f"bench-{i:07d}", "firstName": first, "lastName": last, "email": email, "emailKey": email,
               "phone": f"+1{rng.choice(AREAS)}{rng.randint(2_000_000, 9_999_999)}", "status": "active",
               "loyaltyTier": "bronze", "tags": [], "totalSpentMinor": 0, "totalOrders": 0, "lastPurchaseDate": None,
               "registrationDate": now - timedelta(days=rng.randint(0, 900)), "loyaltyPoints": 0,
               "preferences": {}, "communication": {"email": True, "sms": False, "push": False},
               "createdAt": now, "updatedAt": now}
        docs.append(doc | search_fields(doc))
    return docs


def queries(docs: list[dict], per_kind: int) -> list[tuple[str, str]]:
    """(kind, q): name prefixes, "first last" pairs, email prefixes and phone prefixes as people type them."""
    rng = random.Random(5)
    picked = rng.sample(docs, per_kind)
    out = []
    for doc in picked:
        phone = doc["phone"]  # +1AAABBBCCCC
        out += [("name", doc["lastName"][:5]), ("full name", f"{doc['firstName']} {doc['lastName']}"),
                ("email", doc["email"].split("@")[0]), ("phone", f"({phone[2:5]}) {phone[5:8]}-{phone[8:10]}")]
    return out


def _ms(seconds: list[float]) -> float:
    return 1000 * statistics.median(seconds)


async def run(n: int, mongo_url: str, amqp_url: str, per_kind: int = 10) -> list[Figure]:
    database = f"bench_search_{uuid.uuid4().hex[:8]}"
    settings = CustomersSettings(mongo_url=mongo_url, amqp_url=amqp_url, mongo_database=database,
                                 events_exchange=f"bench{database}.events", queue_prefix=f"bench{database}.",
                                 log_json=False)
    app = create_app(settings)
    raw = AsyncMongoClient(mongo_url, tz_aware=True)
    collection = raw[database]["customers"]
    try:
        async with LifespanManager(app, startup_timeout=120, shutdown_timeout=60):
            started = time.perf_counter()
            docs = customers(n, datetime.now(timezone.utc))
            for start in range(0, n, 5_000):
                await collection.insert_many(docs[start:start + 5_000], ordered=False)
                if (start + 5_000) % 20_000 == 0:
                    print(f"  {start + 5_000:,} customers after {time.perf_counter() - started:.0f} s", flush=True)
            print(f"inserted {n:,} customers in {time.perf_counter() - started:.1f} s", flush=True)
            cases = queries(docs, per_kind)
            del docs
            api_times, scan_times, found = [], [], 0
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), headers=internal_headers(settings),
                                         base_url="http://c", timeout=600) as api:
                await api.get("/customers", params={"q": "warm", "limit": PAGE})
                for _kind, q in cases:
                    t = time.perf_counter()
                    response = await api.get("/customers", params={"q": q, "limit": PAGE})
                    api_times.append(time.perf_counter() - t)
                    response.raise_for_status()
                    found += response.json()["total"] > 0
                    old_filter = {"searchText": {"$regex": re.escape(q.strip().lower())}}
                    t = time.perf_counter()
                    await collection.find(old_filter).sort([("registrationDate", -1), ("_id", -1)]).limit(PAGE) \
                        .to_list()
                    scan_times.append(time.perf_counter() - t)
            api_ms, scan_ms = _ms(api_times), _ms(scan_times)
            print(f"API search p50 : {api_ms:.1f} ms over {len(cases)} queries (p90 "
                  f"{1000 * statistics.quantiles(api_times, n=10)[-1]:.1f} ms); {found} found their customer(s)")
            print(f"regex scan p50 : {scan_ms:.1f} ms (find with the old $regex, page only, no count)")
            note = f"{len(cases)} queries (name, first+last, email, phone); API page+total, scan page only"
            if found < len(cases):
                note += f"; ONLY {found} FOUND A CUSTOMER"
            return [Figure("search", f"customer search p50 through the API ({n:,} customers)", api_ms,
                           "regex scan on searchText, direct find", scan_ms, "ms", higher_is_better=False, note=note)]
    finally:
        await raw.drop_database(database)
        await raw.close()
        await delete_service_broker_names(amqp_url, settings)


def measure(env: Env, n: int) -> list[Figure]:
    return asyncio.run(run(n, env.mongo_url, env.amqp_url))


SPEC = BenchSpec(name="search", size_name="customers", quick_size=20_000, measure=measure,
                 summary="customer search by name, email or phone prefix through the API vs the old regex scan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--queries-per-kind", type=int, default=10)
    parser.add_argument("--mongo-url", default=os.environ.get("MONGO_URL"),
                        help="defaults to a SecantusDB started for the run")
    args = parser.parse_args()
    with servers(args.mongo_url) as env:
        print_figures(asyncio.run(run(args.customers, env.mongo_url, env.amqp_url, args.queries_per_kind)))


if __name__ == "__main__":
    main()
