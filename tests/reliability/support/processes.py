"""Service processes as production runs them (`python -m services.<name>`), with a log file and a readiness wait."""
import asyncio
import os
import signal
import time
from pathlib import Path

import httpx

from devstack.infra import free_port
from devstack.processes import Child, ChildDied, start_module, tail
from tests.support.http import INTERNAL_HEADERS


class ServiceProcess:
    def __init__(self, name: str, module: str, env: dict[str, str], log_dir: Path):
        self.name, self.module = name, module
        self.port = free_port()
        self.env = {**os.environ, **env, "PORT": str(self.port), "HOST": "127.0.0.1"}
        self.log_dir = log_dir
        self.child: Child | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.{self.starts}.log"  # one file per start: a restart keeps the old log

    def client(self, timeout: float = 30) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers=INTERNAL_HEADERS, timeout=timeout)

    async def start(self, timeout: float = 60) -> "ServiceProcess":
        self.starts += 1
        self.child = start_module(self.name, self.module, self.env, self.log_path)
        await self.wait_ready(timeout)
        return self

    async def wait_ready(self, timeout: float = 60) -> None:
        """Until /readyz answers 200 (database and broker reachable, consumer bound); fails early if it died."""
        deadline, last = time.monotonic() + timeout, "no answer"
        async with httpx.AsyncClient(timeout=2) as client:
            while time.monotonic() < deadline:
                self.check_alive()
                try:
                    response = await client.get(f"{self.url}/readyz")
                    if response.status_code == 200:
                        return
                    last = f"{response.status_code} {response.text[:200]}"
                except httpx.HTTPError as exc:
                    last = type(exc).__name__
                await asyncio.sleep(0.2)
        raise AssertionError(f"{self.name} not ready within {timeout} s (last: {last}):\n{tail(self.log_path)}")

    def check_alive(self) -> None:
        if self.child is not None and not self.child.alive():
            raise AssertionError(f"{ChildDied(self.child)}:\n{tail(self.log_path)}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acks, no outbox flush; as a crash or an OOM kill."""
        self.child.process.send_signal(signal.SIGKILL)
        self.child.process.wait()

    async def stop(self, timeout: float = 20) -> None:
        if self.child is None or not self.child.alive():
            return
        self.child.process.terminate()
        try:
            await asyncio.to_thread(self.child.process.wait, timeout)
        except Exception:
            self.kill()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        return tail(self.log_path, lines)


def service_env(name: str, *, mongo_url: str, database: str, amqp_url: str, namespace: str, **extra) -> dict:
    """Environment of one service process; `namespace` keeps this test's exchange and queues apart."""
    env = {"MONGO_URL": mongo_url, "MONGO_DATABASE": database, "AMQP_URL": amqp_url,
           "EVENTS_EXCHANGE": f"{namespace}.events", "QUEUE_PREFIX": f"{namespace}.", "LOG_JSON": "false",
           "OUTBOX_POLL_SECONDS": "0.2", "QUEUE_TYPE": "quorum"}
    env.update({key.upper(): str(value) for key, value in extra.items()})
    return env
