"""Imports N customers from a CSV file through the customers service's real import path (the file streamed to
POST /customer-imports/files, then the job run by the service's own worker, batch by batch, with timeline entries,
events in the outbox, segment membership), in-process ASGI with the outbox relay running, and times it against a
raw insert_many of the same customer documents (built by the import's own code) into a bare collection, 500 a
call, in the same run. `python -m bench --only import`."""
import argparse
import asyncio
import os
import random
import resource
import time
import uuid
from datetime import datetime, timezone

import httpx
from asgi_lifespan import LifespanManager
from pymongo import AsyncMongoClient

from bench.harness import BenchSpec, Env, Figure, delete_service_broker_names, print_figures, servers
from services.customers.app import create_app
from services.customers.domain.csv_stream import read_records
from services.customers.domain.imports import customer_row, given, header
from services.customers.handlers.customer_import import _new_customer
from services.customers.settings import CustomersSettings
from services.customers.store.customers import CustomerStore
from shared.internal_auth import internal_headers

BATCH = 500
TARGET = 500  # rows/s, issue 13
FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Radia", "Tim"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Perlman", "Lee"]
CITIES = [("Springfield", "62701", "US"), ("Portland", "97201", "US"), ("Lyon", "69001", "FR"),
          ("Berlin", "10115", "DE")]
COLUMNS = "firstName,lastName,email,phone,dateOfBirth,gender,street,city,zipCode,country,tags,status\n"


def csv_lines(n: int):
    """The file, line by line (never whole): every row valid, about a third with tags."""
    rng = random.Random(13)
    yield COLUMNS
    for i in range(n):
        city, zip_code, country = CITIES[i % len(CITIES)]
        tags = rng.choice(["", "", "vip", "newsletter;vip"])
        yield (f"{rng.choice(FIRST)},{rng.choice(LAST)},bench{i}@example.com,+1415555{i % 10000:04d},"
               f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)},"
               f"{rng.choice(['female', 'male', 'other'])},{i} Main St,{city},{zip_code},{country},{tags},active\n")


async def file_chunks(n: int, size: int = 64 * 1024):
    buffer: list[str] = []
    length = 0
    for line in csv_lines(n):
        buffer.append(line)
        length += len(line)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode()


async def documents(n: int, now: datetime) -> list[dict]:
    """The customer documents the import stores for these rows, built by its own code."""
    docs, columns = [], None
    async for record in read_records(file_chunks(n)):
        if columns is None:
            columns = header("customers", record.cells)
            continue
        cells, _ = given(columns, record.cells)
        docs.append(_new_customer(customer_row(record.line, cells), now))
    return docs


async def run(n: int, mongo_url: str, amqp_url: str) -> list[Figure]:
    database = f"bench_import_{uuid.uuid4().hex[:8]}"
    settings = CustomersSettings(mongo_url=mongo_url, amqp_url=amqp_url, mongo_database=database,
                                 events_exchange=f"bench{database}.events", queue_prefix=f"bench{database}.",
                                 log_json=False)
    settings.csv.batch_size = BATCH
    settings.csv.worker_poll_seconds = 0.1
    app = create_app(settings)
    raw = AsyncMongoClient(mongo_url, tz_aware=True)
    try:
        async with LifespanManager(app, startup_timeout=120, shutdown_timeout=60):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), headers=internal_headers(settings),
                                         base_url="http://c", timeout=600) as api:
                started = time.perf_counter()
                uploaded = await api.post("/customer-imports/files", params={"kind": "customers"},
                                          content=file_chunks(n), headers={"content-type": "text/csv"})
                uploaded.raise_for_status()
                upload_seconds = time.perf_counter() - started
                job = (await api.post("/customer-imports", json={"customersFile": uploaded.json()["fileId"]})).json()
                job_id = job["id"]
                while job.get("status") not in ("done", "failed"):
                    await asyncio.sleep(0.2)
                    answer = await api.get(f"/csv-jobs/{job_id}")
                    if answer.status_code == 200:  # a poll answered 503 while the database was busy: ask again
                        job = answer.json()
                import_seconds = time.perf_counter() - started
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the baselines' documents
            stored = await raw[database]["customers"].count_documents({})
            docs = await documents(n, datetime.now(timezone.utc))
            raw_seconds = await _insert_many(raw[f"{database}_bare"]["customers"], docs)
            # Context: the same documents into a collection with the customers' own indexes (email, search...).
            indexed = CustomerStore(raw[f"{database}_indexed"])
            await indexed.ensure_indexes()
            indexed_seconds = await _insert_many(indexed.collection, [{**d, "_id": f"x{d['_id']}"} for d in docs])
        await raw.drop_database(f"{database}_bare")
        await raw.drop_database(f"{database}_indexed")
        rate, raw_rate, indexed_rate = n / import_seconds, n / raw_seconds, n / indexed_seconds
        print(f"import job       : {n:,} rows in {import_seconds:.1f} s = {rate:,.0f} rows/s (upload "
              f"{upload_seconds:.1f} s; {job['status']}, counts {job['counts']}, {stored:,} stored)")
        print(f"raw insert_many  : {n:,} documents in {raw_seconds:.1f} s = {raw_rate:,.0f} rows/s")
        print(f"  into the customers' indexes: {indexed_seconds:.1f} s = {indexed_rate:,.0f} rows/s")
        note = (f"{BATCH} rows a transaction; upload and header check {upload_seconds:.1f} s of it; "
                f"target {TARGET} rows/s {'met' if rate >= TARGET else 'NOT MET'}; bench process peak RSS "
                f"{peak_mb:,.0f} MB")
        if job["status"] != "done" or job["counts"].get("created") != n or stored != n:
            note += f"; JOB {job['status']}, ONLY {stored:,} STORED"
        subject = f"customers imported from CSV, upload to job done ({n:,} rows)"
        return [Figure("import", subject, rate, "raw insert_many of the same documents", raw_rate, "rows/s",
                       note=note),
                Figure("import", subject, rate, "raw insert_many of them into a collection with the customers' "
                       "indexes", indexed_rate, "rows/s", note="context: what the indexes (search prefixes, email, "
                       "...) cost the database alone")]
    finally:
        await raw.drop_database(database)
        await raw.close()
        await delete_service_broker_names(amqp_url, settings)


async def _insert_many(collection, docs: list[dict]) -> float:
    started = time.perf_counter()
    for start in range(0, len(docs), BATCH):
        await collection.insert_many(docs[start:start + BATCH])
    return time.perf_counter() - started


def measure(env: Env, n: int) -> list[Figure]:
    return asyncio.run(run(n, env.mongo_url, env.amqp_url))


SPEC = BenchSpec(name="import", size_name="rows", quick_size=100_000, measure=measure,
                 summary="a customers CSV through the import job vs a raw insert_many of the same documents")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--mongo-url", default=os.environ.get("MONGO_URL"),
                        help="defaults to a SecantusDB started for the run")
    args = parser.parse_args()
    with servers(args.mongo_url) as env:
        print_figures(asyncio.run(run(args.rows, env.mongo_url, env.amqp_url)))


if __name__ == "__main__":
    main()
