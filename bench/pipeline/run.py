"""N order.placed envelopes, published as the storefront does, timed from the first publish until the last one is
credited: through the loyalty service (its consumer, inbox, handler and outbox), through a bare aio-pika + pymongo
script doing the same writes, and through aio-pika alone. Each phase has its own exchange, queue and database,
all removed afterwards."""
import argparse
import asyncio
import time
import uuid

from asgi_lifespan import LifespanManager
from prometheus_client import REGISTRY
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from bench.harness import BenchSpec, Env, Figure, delete_broker_names, print_figures, servers
from bench.pipeline.bare import QueueConsumer, count_and_ack, credit_and_ack
from bench.pipeline.traffic import ROUTING_KEY, publish_all, purchases
from services.loyalty.app import create_app
from services.loyalty.settings import LoyaltySettings
from services.loyalty.store.accounts import AccountStore
from services.loyalty.store.ledger import LedgerStore

PREFETCH, CONCURRENCY = 100, 8  # the service's defaults; the bare consumer gets the same


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


def _consumed(service: str) -> int:
    """order.placed events the service acked after handling them (its events_consumed_total metric)."""
    return int(sum(REGISTRY.get_sample_value("events_consumed_total", {
        "service": service, "type": ROUTING_KEY, "outcome": outcome}) or 0 for outcome in ("handled", "duplicate")))


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


async def bare_phase(env: Env, tag: str, envelopes, queue_type: str) -> tuple[float, str]:
    name = f"bench{tag}.bare"
    client = AsyncMongoClient(env.mongo_url, tz_aware=True)
    db = client[f"bench_pipeline_{tag}_bare"]
    for store in (LedgerStore(db), AccountStore(db)):
        await store.ensure_indexes()  # the same indexes the service keeps up to date
    consumer, counter = QueueConsumer(env.amqp_url, name, name, queue_type, prefetch=PREFETCH,
                                      concurrency=CONCURRENCY), {"n": 0}
    try:
        await consumer.start(credit_and_ack(client, db, counter))
        seconds = await _timed(lambda: publish_all(env.amqp_url, name, envelopes), lambda: counter["n"],
                               len(envelopes), 1800)
        return len(envelopes) / seconds, await _credited_consistently(db, len(envelopes))
    finally:
        await consumer.close()
        await delete_broker_names(env.amqp_url, [name], [name])
        await client.drop_database(db.name)
        await client.close()


async def pipeline_phase(env: Env, tag: str, envelopes, queue_type: str) -> tuple[float, str]:
    settings = LoyaltySettings(mongo_url=env.mongo_url, amqp_url=env.amqp_url,
                               mongo_database=f"bench_pipeline_{tag}_loyalty", events_exchange=f"bench{tag}.events",
                               queue_prefix=f"bench{tag}.", queue_type=queue_type, consumer_prefetch=PREFETCH,
                               consumer_concurrency=CONCURRENCY, scheduler_enabled=False, log_json=False)
    app = create_app(settings)
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            runtime = app.state.runtime
            while not runtime.consumer.consuming.is_set():
                await asyncio.sleep(0.05)

            before = _consumed(settings.service_name)
            seconds = await _timed(lambda: publish_all(env.amqp_url, settings.events_exchange, envelopes),
                                   lambda: _consumed(settings.service_name) - before, len(envelopes), 1800)
            return len(envelopes) / seconds, await _credited_consistently(runtime.db, len(envelopes))
    finally:
        queue = settings.queue_name
        await delete_broker_names(env.amqp_url, [queue, f"{queue}.dead"],
                           [settings.events_exchange, f"{settings.events_exchange}.dead"])
        client = AsyncMongoClient(env.mongo_url)
        await client.drop_database(settings.mongo_database)
        await client.close()


async def measure_async(env: Env, events: int, rounds: int = 2, queue_type: str = "quorum") -> list[Figure]:
    """Bare and pipeline alternate (bare, pipeline, pipeline, bare, ...), each run on fresh names and databases,
    so drift on a shared machine falls on both; a side's figure is all its events over all its seconds."""
    customers = max(1, events // 10)
    envelopes = purchases(events, customers)
    print(f"{events:,} order.placed events over {customers:,} customers, {rounds} round(s)", flush=True)
    raw = await raw_phase(env, uuid.uuid4().hex[:8], envelopes, queue_type)
    print(f"  aio-pika publish + consume, no database: {raw:,.0f} events/s", flush=True)
    sides = {"bare": (bare_phase, "bare aio-pika + pymongo consumer"),
             "pipeline": (pipeline_phase, "loyalty service (inbox, outbox)")}
    seconds, problems = {"bare": 0.0, "pipeline": 0.0}, []
    for round_ in range(rounds):
        for side in (["bare", "pipeline"] if round_ % 2 == 0 else ["pipeline", "bare"]):
            phase, label = sides[side]
            rate, problem = await phase(env, uuid.uuid4().hex[:8], envelopes, queue_type)
            seconds[side] += events / rate
            problems += [problem] if problem else []
            print(f"  {label:40} {rate:,.1f} events/s {problem}", flush=True)
    bare, pipeline = (rounds * events / seconds[side] for side in ("bare", "pipeline"))
    return [
        Figure("pipeline", "order.placed credited by loyalty", pipeline, "bare aio-pika + pymongo script", bare,
               "events/s", note="; ".join(problems)),
        Figure("pipeline", "bare aio-pika + pymongo script", bare, "aio-pika alone, no database", raw, "events/s",
               note="context: what the database costs"),
    ]


def measure(env: Env, events: int) -> list[Figure]:
    return asyncio.run(measure_async(env, events))


SPEC = BenchSpec(name="pipeline", size_name="events", quick_size=2_000, measure=measure,
                 summary="order.placed through the loyalty service vs a bare consumer doing the same writes")


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
