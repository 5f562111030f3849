"""N order.placed envelopes, published as the storefront does, timed from the first publish until the last one
is done along the whole purchase path: through the customers service (order, totals, timeline, segment membership,
order.recorded and order.paid through its outbox) and loyalty (order.paid: ledger and account); through a bare
aio-pika + pymongo script doing the order, totals, timeline, ledger and account writes in one transaction per
event; and through aio-pika alone. Each phase has its own exchange, queues and databases, all removed afterwards."""
import argparse
import asyncio
import time
import uuid

import httpx
from asgi_lifespan import LifespanManager
from prometheus_client import REGISTRY
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bench.harness import (
    BenchSpec,
    Env,
    Figure,
    delete_broker_names,
    delete_service_broker_names,
    print_figures,
    servers,
)
from bench.pipeline.bare import QueueConsumer, count_and_ack, record_credit_and_ack
from bench.pipeline.traffic import customer_ids, publish_all, purchases
from services.customers.app import create_app as create_customers_app
from services.customers.settings import CustomersSettings
from services.loyalty.app import create_app as create_loyalty_app
from services.loyalty.settings import LoyaltySettings
from services.loyalty.store.accounts import AccountStore
from services.loyalty.store.ledger import LedgerStore
from shared.events import contracts
from shared.internal_auth import internal_headers

PREFETCH, CONCURRENCY = 100, 8  # the service's defaults; the bare consumer gets the same
PAID, PLACED = contracts.OrderPaid.TYPE, contracts.OrderPlaced.TYPE


async def _timed(publish, done, n: int, timeout: float) -> float:
    """Seconds from the first publish until done() reports all n handled. done() counts in this process (acks,
    the service's metrics): polling the database would load the very server being measured."""
    started = time.perf_counter()
    publishing = asyncio.create_task(publish())
    deadline = started + timeout
    while (handled := done()) < n:
        if time.perf_counter() > deadline:
            publishing.cancel()
            raise TimeoutError(f"only {handled} of {n} events handled within {timeout:.0f} s")
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    await publishing
    return elapsed


def _consumed(service: str, event_type: str) -> int:
    """Events of a type the service acked after handling them (its events_consumed_total metric)."""
    return int(sum(REGISTRY.get_sample_value("events_consumed_total", {
        "service": service, "type": event_type, "outcome": outcome}) or 0 for outcome in ("handled", "duplicate")))


async def _credited_consistently(db: AsyncDatabase, n: int) -> str:
    """Every event earned exactly one ledger entry and the balances add up to the ledger."""
    entries = await db["ledger"].count_documents({"kind": "earn"})
    ledger = await (await db["ledger"].aggregate([{"$group": {"_id": None, "p": {"$sum": "$points"}}}])).to_list()
    balances = await (await db["accounts"].aggregate([{"$group": {"_id": None, "p": {"$sum": "$balance"}}}])).to_list()
    ok = entries == n and ledger and balances and ledger[0]["p"] == balances[0]["p"]
    return "" if ok else f"INCONSISTENT: {entries} entries for {n} events, ledger {ledger}, balances {balances}"


async def raw_phase(env: Env, tag: str, envelopes, queue_type: str) -> float:
    name, counter = f"bench{tag}.raw", {"n": 0}
    consumer = QueueConsumer(env.amqp_url, name, name, queue_type, prefetch=PREFETCH, concurrency=PREFETCH)
    try:
        await consumer.start(count_and_ack(counter))

        return len(envelopes) / await _timed(lambda: publish_all(env.amqp_url, name, envelopes),
                                             lambda: counter["n"], len(envelopes), 300)
    finally:
        await consumer.close()
        await delete_broker_names(env.amqp_url, [name], [name])


async def bare_phase(env: Env, tag: str, events: int, customers: int, queue_type: str) -> tuple[float, str]:
    name = f"bench{tag}.bare"
    client = AsyncMongoClient(env.mongo_url, tz_aware=True)
    customers_db = client[f"bench_pipeline_{tag}_bare_customers"]
    loyalty_db = client[f"bench_pipeline_{tag}_bare_loyalty"]
    for store in (LedgerStore(loyalty_db), AccountStore(loyalty_db)):
        await store.ensure_indexes()  # the same indexes the service keeps up to date
    ids = customer_ids(customers)
    await customers_db["customers"].insert_many([{"_id": i, "totalSpentMinor": 0, "totalOrders": 0} for i in ids])
    envelopes = purchases(events, ids)
    consumer, counter = QueueConsumer(env.amqp_url, name, name, queue_type, prefetch=PREFETCH,
                                      concurrency=CONCURRENCY), {"n": 0}
    try:
        await consumer.start(record_credit_and_ack(client, customers_db, loyalty_db, counter))
        seconds = await _timed(lambda: publish_all(env.amqp_url, name, envelopes), lambda: counter["n"],
                               len(envelopes), 1800)
        return len(envelopes) / seconds, await _credited_consistently(loyalty_db, len(envelopes))
    finally:
        await consumer.close()
        await delete_broker_names(env.amqp_url, [name], [name])
        for db in (customers_db, loyalty_db):
            await client.drop_database(db.name)
        await client.close()


def _service_settings(env: Env, tag: str, queue_type: str) -> dict:
    return dict(mongo_url=env.mongo_url, amqp_url=env.amqp_url, events_exchange=f"bench{tag}.events",
                queue_prefix=f"bench{tag}.", queue_type=queue_type, consumer_prefetch=PREFETCH,
                consumer_concurrency=CONCURRENCY, log_json=False, log_level="WARNING")


async def _create_customers(app, n: int) -> list[str]:
    """Through the customers API, as a shop's import would; not timed."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://customers",
                                 headers=internal_headers(app.state.deps.settings)) as http:
        ids = []
        for i in range(n):
            answer = await http.post("/customers", json={"firstName": "Bench", "lastName": f"Customer {i}",
                                                         "email": f"bench.{i}@example.com"})
            answer.raise_for_status()
            ids.append(answer.json()["id"])
        return ids


async def pipeline_phase(env: Env, tag: str, events: int, customers: int, queue_type: str
                         ) -> tuple[float, float, str]:
    """A storefront's order.placed until the customers service recorded it (totals, timeline, segment membership,
    order.recorded and order.paid through its outbox) and loyalty credited it (order.paid: ledger, account)."""
    common = _service_settings(env, tag, queue_type)
    customers_settings = CustomersSettings(mongo_database=f"bench_pipeline_{tag}_customers", **common)
    loyalty_settings = LoyaltySettings(mongo_database=f"bench_pipeline_{tag}_loyalty", scheduler_enabled=False,
                                       **common)
    customers_app, loyalty_app = create_customers_app(customers_settings), create_loyalty_app(loyalty_settings)
    try:
        async with LifespanManager(customers_app, startup_timeout=60, shutdown_timeout=60), \
                LifespanManager(loyalty_app, startup_timeout=60, shutdown_timeout=60):
            for app in (customers_app, loyalty_app):
                while not app.state.runtime.consumer.consuming.is_set():
                    await asyncio.sleep(0.05)
            envelopes = purchases(events, await _create_customers(customers_app, customers))
            placed, paid = _consumed("customers", PLACED), _consumed("loyalty", PAID)
            started, recorded_after = time.perf_counter(), None

            def done() -> int:  # notes when the customers service has recorded every order
                nonlocal recorded_after
                if recorded_after is None and _consumed("customers", PLACED) - placed >= len(envelopes):
                    recorded_after = time.perf_counter() - started
                return _consumed("loyalty", PAID) - paid
            seconds = await _timed(lambda: publish_all(env.amqp_url, customers_settings.events_exchange, envelopes),
                                   done, len(envelopes), 1800)
            done()
            problem = await _credited_consistently(loyalty_app.state.runtime.db, len(envelopes))
            return len(envelopes) / seconds, len(envelopes) / (recorded_after or seconds), problem
    finally:
        await delete_service_broker_names(env.amqp_url, customers_settings, loyalty_settings)
        client = AsyncMongoClient(env.mongo_url)
        for settings in (customers_settings, loyalty_settings):
            await client.drop_database(settings.mongo_database)
        await client.close()


async def measure_async(env: Env, events: int, rounds: int = 2, queue_type: str = "quorum") -> list[Figure]:
    """Bare and pipeline alternate (bare, pipeline, pipeline, bare, ...), each run on fresh names and databases,
    so drift on a shared machine falls on both; a side's figure is all its events over all its seconds."""
    customers = max(1, events // 10)
    print(f"{events:,} order.placed events over {customers:,} customers, {rounds} round(s)", flush=True)
    raw = await raw_phase(env, uuid.uuid4().hex[:8], purchases(events, customers), queue_type)
    print(f"  aio-pika publish + consume, no database: {raw:,.0f} events/s", flush=True)
    seconds, recording, problems = {"bare": 0.0, "pipeline": 0.0}, 0.0, []
    for round_ in range(rounds):
        for side in (["bare", "pipeline"] if round_ % 2 == 0 else ["pipeline", "bare"]):
            tag = uuid.uuid4().hex[:8]
            if side == "bare":
                rate, problem = await bare_phase(env, tag, events, customers, queue_type)
                print(f"  {'bare aio-pika + pymongo script':40} {rate:,.1f} events/s {problem}", flush=True)
            else:
                rate, recorded, problem = await pipeline_phase(env, tag, events, customers, queue_type)
                recording += events / recorded
                print(f"  {'customers + loyalty services':40} {rate:,.1f} events/s (customers recorded them at "
                      f"{recorded:,.1f}/s) {problem}", flush=True)
            seconds[side] += events / rate
            problems += [problem] if problem else []
    bare, pipeline = (rounds * events / seconds[side] for side in ("bare", "pipeline"))
    customers_rate = rounds * events / recording
    return [
        Figure("pipeline", "order.placed through customers and loyalty", pipeline,
               "bare aio-pika + pymongo script, one transaction per event", bare, "events/s",
               note="; ".join(problems)),
        Figure("pipeline", "customers service recording the orders", customers_rate,
               "the whole path (until loyalty credited them)", pipeline, "events/s",
               note="above 1: customers keeps ahead of loyalty"),
        Figure("pipeline", "bare aio-pika + pymongo script", bare, "aio-pika alone, no database", raw, "events/s",
               note="context: what the database costs"),
    ]


def measure(env: Env, events: int) -> list[Figure]:
    return asyncio.run(measure_async(env, events))


SPEC = BenchSpec(name="pipeline", size_name="events", quick_size=2_000, measure=measure,
                 summary="order.placed through customers and loyalty vs a bare consumer doing the same writes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=3_000, help="events per run")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each side, alternating")
    parser.add_argument("--queue-type", choices=["quorum", "classic"], default="quorum")
    args = parser.parse_args()
    with servers() as env:
        figures = asyncio.run(measure_async(env, args.events, args.rounds, args.queue_type))
    print_figures(figures)
    print(f"  ratio pipeline/bare: {figures[0].ratio:.2f}", flush=True)


if __name__ == "__main__":
    main()
