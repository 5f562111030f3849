"""`customers(first: 50) { ... loyalty { points tier } }` through the gateway against the same data fetched by the
calls its loaders make (the customers page, then one loyalty batch), straight to the services, in the same run.

The services and the gateway run as real uvicorn processes on SecantusDB and the machine's RabbitMQ (a
throwaway exchange, queue prefix and databases). Both sides get the same closed loop of C callers, alternating
in rounds so drift on a shared machine hits both alike; printed: requests/s, p50, p99 and the ratios.
"""
import argparse
import asyncio
import shutil
import tempfile
import uuid
from pathlib import Path

import httpx

from bench.gateway.load import Timings, closed_loop, seed
from bench.gateway.processes import Stack, remove, running
from bench.harness import BenchSpec, Env, Figure, print_figures, servers

PAGE = 50
QUERY = "{ customers(first: %d) { edges { node { id firstName lastName email loyalty { points tier } } } } }" % PAGE
GATEWAY, DIRECT = "gateway: customers(first: 50) with loyalty", "direct: customers page + loyalty batch"


def _clients(stack: Stack, concurrency: int) -> dict[str, httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return {name: httpx.AsyncClient(base_url=url, limits=limits, timeout=60,
                                    headers=stack.gateway_headers if name == "gateway" else stack.service_headers)
            for name, url in stack.urls.items()}


async def through_gateway(http: dict[str, httpx.AsyncClient]) -> list[dict]:
    response = await http["gateway"].post("/graphql", json={"query": QUERY})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"gateway answered {response.status_code}: {body}")
    return [edge["node"] for edge in body["data"]["customers"]["edges"]]


async def direct(http: dict[str, httpx.AsyncClient]) -> list[dict]:
    """What the gateway's resolvers and loyalty loader send, shaped into the same JSON."""
    page = await http["customers"].get("/customers", params={"sort": "registrationDate", "order": "desc",
                                                              "limit": PAGE, "offset": 0})
    page.raise_for_status()
    items = page.json()["items"]
    accounts = await http["loyalty"].get("/loyalty/accounts",
                                         params={"customerIds": ",".join(c["id"] for c in items)})
    accounts.raise_for_status()
    found = accounts.json()
    return [{"id": c["id"], "firstName": c["firstName"], "lastName": c["lastName"], "email": c["email"],
             "loyalty": {"points": found[c["id"]]["points"], "tier": found[c["id"]]["tier"]}} for c in items]


async def run(env: Env, requests: int = 600, concurrency: int = 8, customers: int = 200,
              rounds: int = 3) -> list[Figure]:
    """Starts the processes, seeds `customers`, times `requests` per side; returns the figures (req/s, p50, p99)."""
    tag, logs = uuid.uuid4().hex[:8], Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    try:
        with running(env, tag, logs) as stack:
            http = _clients(stack, concurrency)
            try:
                print(f"seeding {customers} customers with one order each; loyalty credits them from events",
                      flush=True)
                await seed(http["customers"], http["loyalty"], customers)
                via_gateway, straight = await through_gateway(http), await direct(http)
                if via_gateway != straight or len(straight) != PAGE or not any(c["loyalty"]["points"]
                                                                              for c in straight):
                    raise RuntimeError(f"the two paths disagree: {via_gateway[:2]} vs {straight[:2]}")
                timings = await _measure(http, requests, concurrency, rounds)
            finally:
                for client in http.values():
                    await client.aclose()
                await remove(env, stack)
    finally:
        shutil.rmtree(logs, ignore_errors=True)
    return _figures(timings[GATEWAY], timings[DIRECT], concurrency)


async def _measure(http, requests: int, concurrency: int, rounds: int) -> dict[str, Timings]:
    sides = {DIRECT: lambda: direct(http), GATEWAY: lambda: through_gateway(http)}
    for call in sides.values():  # warm up: connections, caches, the first imports of lazy code paths
        await closed_loop(call, 4 * concurrency, concurrency)
    timings: dict[str, Timings] = {}
    for round_ in range(rounds):
        for name, call in sides.items():
            measured = await closed_loop(call, requests // rounds, concurrency)
            timings[name] = timings[name].merged(measured) if name in timings else measured
        print(f"  round {round_ + 1}/{rounds} done", flush=True)
    return timings


def _figures(gateway: Timings, baseline: Timings, concurrency: int) -> list[Figure]:
    note = f"{len(gateway.seconds)} requests each, {concurrency} concurrent"

    def figure(what: str, value: float, base: float, unit: str, higher_is_better: bool) -> Figure:
        return Figure("gateway", f"{GATEWAY} {what}", value, f"{DIRECT} {what}", base, unit,
                      higher_is_better=higher_is_better, note=note)
    return [figure("throughput", gateway.per_second, baseline.per_second, "req/s", True),
            figure("p50", gateway.percentile_ms(50), baseline.percentile_ms(50), "ms", False),
            figure("p99", gateway.percentile_ms(99), baseline.percentile_ms(99), "ms", False)]


def measure(env: Env, requests: int) -> list[Figure]:
    return asyncio.run(run(env, requests))


SPEC = BenchSpec(name="gateway", size_name="requests", quick_size=600, measure=measure,
                 summary="a page of 50 customers with loyalty through the gateway vs the same two service calls")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=900, help="requests per side")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--customers", type=int, default=200)
    args = parser.parse_args()
    with servers() as env:
        figures = asyncio.run(run(env, args.requests, args.concurrency, args.customers))
    print_figures(figures)
    throughput, p50, p99 = figures
    print(f"\n  {'':46}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"  {GATEWAY:46}{throughput.value:10.1f}{p50.value:10.1f}{p99.value:10.1f}")
    print(f"  {DIRECT:46}{throughput.baseline:10.1f}{p50.baseline:10.1f}{p99.baseline:10.1f}")
    print(f"  {'ratio (above 1: the gateway is better)':46}{throughput.ratio:10.2f}{p50.ratio:10.2f}{p99.ratio:10.2f}",
          flush=True)


if __name__ == "__main__":
    main()
