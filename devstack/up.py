"""`python -m devstack up`: database, broker, services, gateway and demo data, running until Ctrl-C."""
import asyncio
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from devstack import infra, seed, stack, ui
from devstack.demo_data import DEFAULT_SEED, generate_customers
from devstack.errors import StackError
from devstack.health import wait_ready
from devstack.processes import Child, ChildDied, Children, start_module, tail
from shared.internal_auth import internal_headers
from shared.settings import ServiceSettings

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_MONGO_PORT = 27017
SEED_CONCURRENCY = 8


@dataclass
class UpOptions:
    customers: int = 1000
    load_demo_data: bool = True
    seed: int = DEFAULT_SEED
    only: list[str] | None = None
    ready_timeout: float = 120
    data_dir: Path = Path(".data")


def up(options: UpOptions) -> int:
    children = Children()
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        _run(options, children)
        return 0
    except KeyboardInterrupt:
        ui.console.print()
        return 0
    except ChildDied as exc:
        ui.failure(f"{exc.child.name} stopped", f"{exc} - last lines of {exc.child.log_path}:",
                   tail(exc.child.log_path))
        return 1
    except StackError as exc:
        ui.failure("devstack up failed", str(exc))
        return 1
    finally:
        # A second Ctrl-C must not cut the clean-up short; every wait in it is bounded.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        children.stop(on_stop=lambda names: ui.step(f"stopping {', '.join(names)}"))
        if children.items:
            ui.done("stopped")
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _run(options: UpOptions, children: Children) -> None:
    apps = stack.select(options.only)
    _check_startable(apps)
    logs = options.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)

    amqp_url = os.environ.get("AMQP_URL") or DEFAULT_AMQP_URL
    ensure_rabbitmq(amqp_url)
    mongo_url = os.environ.get("MONGO_URL") or _start_secantus(options.data_dir, logs, children)

    # The delivery sinks first, then the services, then the gateway: each group once the one before is ready.
    for group in stack.stages(apps):
        waiting = {}
        for app in group:
            env = stack.app_env(app, dict(os.environ), mongo_url=mongo_url, amqp_url=amqp_url)
            waiting[app.name] = (app, children.add(start_module(app.name, app.module, env,
                                                                logs / f"{app.name}.log")))
        ui.step(f"starting {', '.join(waiting)}")
        wait_ready(waiting, children, options.ready_timeout,
                   on_ready=lambda name, url: ui.done(f"{name} ready at {url}"))

    customers = next((app for app in apps if app.name == "customers"), None)
    if customers is None:
        ui.warn("customers is not running: no demo data")
    elif options.load_demo_data and options.customers > 0:
        asyncio.run(_load_demo_data(customers.url, options, children))

    if stack.CAMPAIGNS in apps and stack.SINKS not in apps:
        ui.warn(f"sinks is not running: campaigns will find no SMTP server on {stack.HOST}:{stack.SMTP_PORT} and no "
                f"SMS provider at {stack.SINKS.url}")
    ui.summary(apps, mongo_url=mongo_url, amqp_url=amqp_url, logs=str(logs))
    while True:
        children.check()
        time.sleep(0.5)


def _check_startable(apps: list[stack.App]) -> None:
    missing = [app for app in apps if not stack.runnable(app)]
    if missing:
        present = [app.name for app in apps if app not in missing]
        hint = f" To start the others: --only {','.join(present)}" if present else ""
        raise StackError("nothing to run yet for " + ", ".join(f"{a.name} (python -m {a.module})" for a in missing)
                         + "." + hint)
    busy = [f"{port} ({app.name})" for app in apps for port in app.ports if infra.port_open(stack.HOST, port)]
    if busy:
        raise StackError(f"port(s) already in use: {', '.join(busy)}. Is another `scripts/up` running? Stop it first.")


def ensure_rabbitmq(amqp_url: str) -> None:
    """Starts the machine's RabbitMQ if it is installed and not running (devstack never stops it)."""
    host, port = infra.amqp_address(amqp_url)
    ui.step(f"checking RabbitMQ at {host}:{port}")
    try:
        what = infra.ensure_rabbitmq(amqp_url)
    except RuntimeError as exc:
        raise StackError(str(exc)) from None
    ui.done(f"RabbitMQ {'was running' if what == 'running' else 'started'} at {host}:{port}")


def _start_secantus(data_dir: Path, logs: Path, children: Children) -> str:
    port = int(os.environ.get("MONGO_PORT") or DEFAULT_MONGO_PORT)
    if infra.port_open("127.0.0.1", port):
        raise StackError(f"port {port} is already in use, so SecantusDB can't start there. To use the server "
                         f"listening there, set MONGO_URL=mongodb://127.0.0.1:{port}/; to start SecantusDB on "
                         f"another port, set MONGO_PORT.")
    storage = data_dir / "secantus"
    reused = storage.is_dir() and any(storage.iterdir())
    log_path = logs / "secantus.log"
    ui.step(f"starting SecantusDB on port {port}")
    with open(log_path, "wb") as log:
        try:
            process = infra.start_secantus(port, str(storage), log)
        except RuntimeError as exc:
            raise StackError(f"{exc}. See its log: {log_path}\n\n{tail(log_path)}") from None
    children.add(Child("secantus", process, log_path, infra=True))
    ui.done(f"SecantusDB on port {port}, data in {storage} ({'kept from last time' if reused else 'new'})")
    return f"mongodb://127.0.0.1:{port}/"


async def _load_demo_data(base_url: str, options: UpOptions, children: Children) -> None:
    limits = httpx.Limits(max_connections=SEED_CONCURRENCY)
    # Demo data goes straight to the customers service, so it carries the internal token as the gateway does.
    headers = internal_headers(ServiceSettings())
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits, headers=headers) as client:
        if await seed.has_customers(client):
            ui.done("customers already has data: demo data not loaded again")
            return
        ui.step(f"loading demo data: {options.customers} customers and their orders")
        started = time.monotonic()
        demo = generate_customers(options.customers, seed=options.seed)
        loading = asyncio.create_task(seed.load(client, demo, concurrency=SEED_CONCURRENCY, console=ui.console))
        while not loading.done():
            await asyncio.wait({loading}, timeout=0.5)
            dead = children.first_dead()
            if dead is not None:
                loading.cancel()
                await asyncio.gather(loading, return_exceptions=True)
                raise ChildDied(dead)
        report = loading.result()
    ui.done(f"demo data: {report.customers} customers, {report.orders} orders in {time.monotonic() - started:.0f} s")
    if report.failures:
        ui.warn(f"{len(report.failures)} request(s) failed, first: {report.failures[0]}")
