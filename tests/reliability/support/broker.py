"""A RabbitMQ node of our own, run as a child process, that a test may stop and restart.

The machine's broker is shared and must never be restarted; this node has its own name, ports, data and
cookie, and no plugins. Its data directory survives a restart, so durable queues and persistent messages do.
"""
import asyncio
import os
import secrets
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import aio_pika

from devstack.infra import free_port, port_open
from devstack.processes import tail

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"  # the real script: /usr/sbin's wrapper su's to the rabbitmq user


class OwnBroker:
    def __init__(self, base: Path | None = None):
        self.base = Path(base or tempfile.mkdtemp(prefix="rel-rabbit-"))
        self.node = f"rel{secrets.token_hex(4)}@localhost"
        self.port = free_port()
        self.dist_port = free_port()
        self.log_path = self.base / "server.log"
        self.process: subprocess.Popen | None = None
        self.restarts = 0

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def _env(self) -> dict[str, str]:
        home = self.base / "home"
        if not home.exists():
            home.mkdir(parents=True)
            cookie = home / ".erlang.cookie"  # our own cookie: rabbitmqctl and the node find it through HOME
            cookie.write_text(secrets.token_hex(16).upper())
            cookie.chmod(0o400)
            # Our own config: the machine's /etc/rabbitmq/rabbitmq.conf pins the listener to 5672.
            (self.base / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
            (self.base / "enabled_plugins").write_text("[].\n")
            (self.base / "rabbitmq-env.conf").write_text("")
        return {**os.environ, "HOME": str(home), "RABBITMQ_NODENAME": self.node,
                "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(self.dist_port),
                "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"), "RABBITMQ_LOG_BASE": str(self.base / "log"),
                "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq.conf"),
                "RABBITMQ_CONF_ENV_FILE": str(self.base / "rabbitmq-env.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins")}

    async def start(self, timeout: float = 60) -> None:
        env = self._env()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([SERVER], env=env, cwd=self.base, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"own RabbitMQ exited with {self.process.returncode}:\n{tail(self.log_path)}")
            if port_open("127.0.0.1", self.port) and await self._answers():
                return
            await asyncio.sleep(0.25)
        raise RuntimeError(f"own RabbitMQ not up within {timeout} s:\n{tail(self.log_path)}")

    async def _answers(self) -> bool:
        try:
            connection = await asyncio.wait_for(aio_pika.connect(self.amqp_url), 5)
        except Exception:
            return False
        await connection.close()
        return True

    async def stop(self, timeout: float = 60) -> None:
        """SIGTERM: the start script stops the node cleanly (as `rabbitmqctl stop` would)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(self.process.wait, timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # our own session: only this node's processes
            await asyncio.to_thread(self.process.wait)

    async def restart(self) -> None:
        await self.stop()
        self.restarts += 1
        await self.start()
