"""The bench's own servers: customers, loyalty and the gateway as real uvicorn processes on free ports.

Each run gets its own databases, exchange and queue prefix on the shared SecantusDB and RabbitMQ, removed after.
"""
import contextlib
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aio_pika
import httpx
from pymongo import AsyncMongoClient

from bench.harness import Env
from devstack.infra import free_port
from devstack.processes import Children, start_module, tail
from gateway.auth.roles import Role
from gateway.auth.tokens import issue_token
from shared.internal_auth import INTERNAL_TOKEN_HEADER

HOST = "127.0.0.1"
SERVICES = ("customers", "loyalty")


@dataclass(frozen=True)
class Stack:
    tag: str
    urls: dict[str, str]  # customers, loyalty, gateway
    internal_token: str
    admin_token: str

    @property
    def service_headers(self) -> dict[str, str]:
        return {INTERNAL_TOKEN_HEADER: self.internal_token}

    @property
    def gateway_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.admin_token}"}

    def database(self, service: str) -> str:
        return f"bench_gateway_{self.tag}_{service}"


def _env(stack: Stack, env: Env, name: str, jwt_secret: str) -> dict[str, str]:
    port = stack.urls[name].rsplit(":", 1)[1]
    common = dict(os.environ)  # PATH, HOME, locale; the settings below win over anything inherited
    common.update(HOST=HOST, PORT=port, MONGO_URL=env.mongo_url, AMQP_URL=env.amqp_url,
                  MONGO_DATABASE=stack.database(name), EVENTS_EXCHANGE=f"bench{stack.tag}.events",
                  QUEUE_PREFIX=f"bench{stack.tag}.", QUEUE_TYPE="classic", INTERNAL_TOKEN=stack.internal_token,
                  LOG_LEVEL="WARNING", LOG_JSON="false", PYTHONUNBUFFERED="1")
    if name == "loyalty":
        common["SCHEDULER_ENABLED"] = "false"  # no expiry or tier-reset jobs running beside the measurement
    if name == "gateway":
        common.update(CUSTOMERS_URL=stack.urls["customers"], LOYALTY_URL=stack.urls["loyalty"],
                      CAMPAIGNS_URL=f"http://{HOST}:{free_port()}", JWT_SECRET=jwt_secret, GRAPHIQL="false")
    return common


def _wait(url: str, children: Children, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            children.check()
            with contextlib.suppress(httpx.HTTPError):
                if client.get(url).status_code == 200:
                    return
            time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer 200 within {timeout:.0f} s")


@contextlib.contextmanager
def running(env: Env, tag: str, logs: Path) -> Iterator[Stack]:
    """Starts the services, waits for their /readyz, then the gateway and its /healthz; stops them all after."""
    jwt_secret = secrets.token_hex(32)
    stack = Stack(tag, {name: f"http://{HOST}:{free_port()}" for name in (*SERVICES, "gateway")},
                  internal_token=secrets.token_hex(16),
                  admin_token=issue_token(jwt_secret, "bench", Role.admin))
    children = Children()
    try:
        for name in SERVICES:
            children.add(start_module(name, f"services.{name}", _env(stack, env, name, jwt_secret),
                                      logs / f"{name}.log"))
        for name in SERVICES:
            _wait(f"{stack.urls[name]}/readyz", children)
        children.add(start_module("gateway", "gateway", _env(stack, env, "gateway", jwt_secret),
                                  logs / "gateway.log"))
        _wait(f"{stack.urls['gateway']}/healthz", children)
        yield stack
    except Exception:
        for child in children.items:
            print(f"--- {child.name} log ({child.log_path}):\n{tail(child.log_path)}", flush=True)
        raise
    finally:
        children.stop()


async def remove(env: Env, stack: Stack) -> None:
    """Drops the run's databases, queues and exchanges; what is already gone is fine."""
    client = AsyncMongoClient(env.mongo_url)
    for name in (*SERVICES, "gateway"):  # the gateway keeps API keys in its own
        await client.drop_database(stack.database(name))
    await client.close()
    exchange, prefix = f"bench{stack.tag}.events", f"bench{stack.tag}."
    names = [("queue", f"{prefix}{s}{suffix}") for s in SERVICES for suffix in ("", ".dead")]
    connection = await aio_pika.connect(env.amqp_url)
    async with connection:
        for kind, name in names + [("exchange", exchange), ("exchange", f"{exchange}.dead")]:
            channel = await connection.channel()  # a failed delete closes its channel: one each
            with contextlib.suppress(aio_pika.exceptions.AMQPError):
                await (channel.queue_delete(name) if kind == "queue" else channel.exchange_delete(name))
