"""Loads demo customers and orders through the customers REST API, a few requests at a time."""
import asyncio
from dataclasses import dataclass, field

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from devstack.demo_data import DemoCustomer
from devstack.errors import StackError

ATTEMPTS = 3
MAX_FAILURES = 20


@dataclass
class SeedReport:
    customers: int = 0
    orders: int = 0
    failures: list[str] = field(default_factory=list)


async def has_customers(client: httpx.AsyncClient) -> bool:
    response = await client.get("/customers", params={"limit": 1})
    response.raise_for_status()
    return response.json()["total"] > 0


def _problem(response: httpx.Response) -> str:
    try:
        error = response.json()["error"]
        return f"HTTP {response.status_code} {error.get('code')}: {error.get('message')}"
    except Exception:
        return f"HTTP {response.status_code}: {response.text[:200]}"


async def _post(client: httpx.AsyncClient, path: str, body: dict) -> httpx.Response:
    """POSTs, retrying on network errors and 5xx (orders carry ids, so a repeat is a no-op)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            response = await client.post(path, json=body)
        except httpx.TransportError:
            if attempt == ATTEMPTS:
                raise
        else:
            if response.status_code < 500 or attempt == ATTEMPTS:
                return response
        await asyncio.sleep(0.5 * attempt)
    raise AssertionError("unreachable")


async def _create_customer(client: httpx.AsyncClient, body: dict) -> str:
    response = await _post(client, "/customers", body)
    if response.status_code == 409:  # an earlier attempt went through before its answer was lost
        found = await client.get("/customers", params={"q": body["email"], "limit": 1})
        items = found.json().get("items", []) if found.status_code == 200 else []
        if items and items[0]["email"].lower() == body["email"].lower():
            return items[0]["id"]
    if response.status_code != 201:
        raise StackError(f"customer {body['email']}: {_problem(response)}")
    return response.json()["id"]


async def load(client: httpx.AsyncClient, customers: list[DemoCustomer], *, concurrency: int = 8,
               console: Console | None = None) -> SeedReport:
    """Creates each customer then its orders in order; `concurrency` customers at a time."""
    report = SeedReport()
    queue: asyncio.Queue[DemoCustomer] = asyncio.Queue()
    for customer in customers:
        queue.put_nowait(customer)
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        customer_bar = progress.add_task("customers", total=len(customers))
        order_bar = progress.add_task("orders", total=sum(len(c.orders) for c in customers))

        def fail(message: str) -> None:
            report.failures.append(message)
            if len(report.failures) >= MAX_FAILURES:
                raise StackError(f"demo data: {len(report.failures)} requests failed, giving up; first: "
                                 f"{report.failures[0]}")

        async def worker() -> None:
            while not queue.empty():
                demo = queue.get_nowait()
                try:
                    customer_id = await _create_customer(client, demo.body)
                except (StackError, httpx.HTTPError) as exc:
                    fail(str(exc) or type(exc).__name__)
                    progress.advance(order_bar, len(demo.orders))
                    continue
                finally:
                    progress.advance(customer_bar)
                report.customers += 1
                for order in demo.orders:
                    try:
                        response = await _post(client, f"/customers/{customer_id}/orders", order)
                    except httpx.HTTPError as exc:
                        fail(f"order {order['id']}: {type(exc).__name__}")
                    else:
                        if response.status_code == 201:
                            report.orders += 1
                        else:
                            fail(f"order {order['id']}: {_problem(response)}")
                    progress.advance(order_bar)

        workers = [asyncio.create_task(worker()) for _ in range(max(1, concurrency))]
        try:
            await asyncio.gather(*workers)
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
    return report
