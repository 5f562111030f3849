"""Service processes of one test on one namespace and databases; customers made through the API; progress waits."""
import asyncio
import time
from pathlib import Path

from pymongo import AsyncMongoClient

from tests.conftest import eventually
from tests.customers.factories import customer_body
from tests.reliability.support.dead_letters import take_parked
from tests.reliability.support.ledger import (
    customers_problems,
    handled_orders,
    loyalty_problems,
    pending_outbox,
    read_model_problems,
)
from tests.reliability.support.processes import ServiceProcess, service_env
from tests.reliability.support.storefront import Burst

MODULES = {"customers": "services.customers", "loyalty": "services.loyalty"}


def allowed_seconds(burst: int) -> float:
    """How long a burst may take: SecantusDB gives ~100 small transactions a second and each order costs a few
    (one per consuming service, and loyalty's points event in customers). Generous: slow is no failure, a hang is."""
    return 120 + burst * 0.15


class Stack:
    """Replicas of the customers and loyalty services sharing one broker namespace and one database each."""

    def __init__(self, *, mongo_url: str, amqp_url: str, namespace: str, log_dir: Path):
        self.mongo_url, self.amqp_url, self.namespace, self.log_dir = mongo_url, amqp_url, namespace, log_dir
        self.mongo = AsyncMongoClient(mongo_url, tz_aware=True)
        self.replicas: dict[str, list[ServiceProcess]] = {"customers": [], "loyalty": []}

    @property
    def exchange(self) -> str:
        return f"{self.namespace}.events"

    def db(self, service: str):
        return self.mongo[f"{service}_{self.namespace}"]

    async def start(self, service: str, replicas: int = 1, **settings) -> list[ServiceProcess]:
        """Starts the replicas together (as a deployment would) and waits until each is ready."""
        env = service_env(service, mongo_url=self.mongo_url, database=f"{service}_{self.namespace}",
                          amqp_url=self.amqp_url, namespace=self.namespace, **settings)
        started = [ServiceProcess(f"{service}-{len(self.replicas[service]) + i}", MODULES[service], env, self.log_dir)
                   for i in range(replicas)]
        self.replicas[service] += started
        await asyncio.gather(*(p.start() for p in started))
        return started

    async def create_customers(self, count: int, concurrency: int = 8) -> list[str]:
        """Through the customers REST API, as the shop's back office would."""
        ids: list[str] = []
        async with self.replicas["customers"][0].client() as api:
            async def worker(n: int) -> None:
                for _ in range(n):
                    response = await api.post("/customers", json=customer_body())
                    assert response.status_code == 201, response.text
                    ids.append(response.json()["id"])
            share = [count // concurrency + (i < count % concurrency) for i in range(concurrency)]
            await asyncio.gather(*(worker(n) for n in share))
        return ids

    async def parked(self, service: str) -> list[tuple[str, bytes]]:
        """What the service's queue dead-lettered: parked by the consumer, or over the broker's delivery limit."""
        return await take_parked(self.amqp_url, f"{self.namespace}.{service}")

    def running(self) -> list[str]:
        return [service for service, replicas in self.replicas.items() if replicas]

    async def problems(self, burst: Burst) -> list[str]:
        """Whatever says an order was lost or counted twice, in each service that runs; empty when all is exact."""
        problems = await loyalty_problems(self.db("loyalty"), burst)
        if self.replicas["customers"]:
            problems += await customers_problems(self.db("customers"), burst)
        for service in self.running():
            problems += [f"{service} parked: {reason}" for reason, _ in await self.parked(service)]
        return problems

    async def settled(self, burst: Burst) -> bool:
        """Outboxes drained and customers shows each customer's points: loyalty's events went all the way too."""
        return await pending_outbox(*(self.db(s) for s in self.running())) == 0 and \
            not await read_model_problems(self.db("customers"), burst)

    async def progress(self) -> tuple[int, int]:
        customers = self.db("customers") if self.replicas["customers"] else None
        return await handled_orders(customers, self.db("loyalty"))

    async def wait_handled(self, total: int, timeout: float, poll: float = 1.0) -> float:
        """Until both services hold `total` orders (customers only if it runs); returns the seconds it took.
        Polls once a second (the database is the bottleneck and every poll is work for it), and fails at once
        when a service dies or a good event lands in a parking lot: it would never be counted."""
        started, last = time.monotonic(), (0, 0)
        want = (total if self.replicas["customers"] else 0, total)
        while time.monotonic() - started < timeout:
            self.check_alive()
            last = await self.progress()
            if last[0] >= want[0] and last[1] >= want[1]:
                return time.monotonic() - started
            for service in self.running():
                if parked := await self.parked(service):
                    raise AssertionError(f"{len(parked)} events parked by {service}, e.g. {parked[0]}\n"
                                         f"{self.log_tails()}")
            await asyncio.sleep(poll)
        raise AssertionError(f"after {timeout:.0f} s: {last[0]} orders in customers, {last[1]} earned in loyalty, "
                             f"of {total}\n{self.log_tails()}")

    async def expect_exact(self, burst: Burst, started: float, what: str) -> float:
        """Waits for the whole burst, prints how long it took since `started`, then checks that every order
        counted exactly once and, with customers running, that loyalty's events went all the way there too."""
        size = len(burst.order_ids)
        await self.wait_handled(size, timeout=allowed_seconds(size))
        elapsed = time.monotonic() - started
        print(f"\n{size} orders {what} in {elapsed:.1f} s ({size / elapsed:.0f} orders/s)")
        assert await self.problems(burst) == []
        if self.replicas["customers"]:
            await eventually(lambda: self.settled(burst), timeout=allowed_seconds(size),
                             what="loyalty points shown in customers")
        return elapsed

    def check_alive(self) -> None:
        for process in self.all():
            process.check_alive()

    def all(self) -> list[ServiceProcess]:
        return self.replicas["customers"] + self.replicas["loyalty"]

    def log_tails(self, lines: int = 15) -> str:
        return "\n".join(f"--- {p.name} ({p.log_path})\n{p.log_tail(lines)}" for p in self.all())

    async def close(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.all()))
        for service in self.replicas:
            await self.mongo.drop_database(f"{service}_{self.namespace}")
        await self.mongo.close()
