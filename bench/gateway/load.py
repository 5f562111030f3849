"""Seeds the page's data through the services' APIs, then times requests in a closed loop of C callers."""
import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx


@dataclass
class Timings:
    seconds: list[float]  # one per request
    wall: float  # from the first request's start to the last one's end

    def merged(self, other: "Timings") -> "Timings":
        return Timings(self.seconds + other.seconds, self.wall + other.wall)

    @property
    def per_second(self) -> float:
        return len(self.seconds) / self.wall

    def percentile_ms(self, p: float) -> float:
        ordered = sorted(self.seconds)
        return 1000 * ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


async def closed_loop(call: Callable[[], Awaitable[None]], requests: int, concurrency: int) -> Timings:
    """`concurrency` callers, each sending its next request when the last one answered, `requests` in all."""
    remaining, seconds = requests, []

    async def caller() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            await call()
            seconds.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    return Timings(seconds, time.perf_counter() - started)


async def seed(customers: httpx.AsyncClient, loyalty: httpx.AsyncClient, n: int, concurrency: int = 8) -> None:
    """n customers with one order each (10..1000 units), then waits until loyalty has credited every order."""
    slots = asyncio.Semaphore(concurrency)
    totals: dict[str, int] = {}

    async def one(i: int) -> None:
        async with slots:
            created = await customers.post("/customers", json={
                "firstName": f"Bench{i}", "lastName": "Customer", "email": f"bench{i}@example.com",
                "tags": ["vip"] if i % 10 == 0 else [], "preferences": {"sizes": ["M"], "colors": ["black"]}})
            created.raise_for_status()
            total = 10 + (i * 37) % 991
            order = await customers.post(f"/customers/{created.json()['id']}/orders", json={
                "items": [{"sku": f"SKU-{i}", "name": "Linen dress", "quantity": 1, "unitPrice": total}]})
            order.raise_for_status()
            totals[created.json()["id"]] = total

    await asyncio.gather(*(one(i) for i in range(n)))
    deadline = time.monotonic() + 300
    while True:
        ids = list(totals)
        credited = 0
        for start in range(0, len(ids), 100):
            batch = ids[start:start + 100]
            accounts = (await loyalty.get("/loyalty/accounts", params={"customerIds": ",".join(batch)})).json()
            credited += sum(1 for c in batch if accounts[c]["points"] == totals[c])
        if credited == len(ids):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"loyalty credited {credited} of {len(ids)} orders within 300 s")
        await asyncio.sleep(0.5)
