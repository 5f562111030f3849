"""Starts what the services need when it is not already there: SecantusDB and the machine's RabbitMQ."""
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

RABBITMQ_INSTALL_HINT = (
    "RabbitMQ is not installed. Install it with:\n"
    "    sudo apt-get update && sudo apt-get install -y rabbitmq-server\n"
    "or point AMQP_URL at a running broker."
)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(host: str, port: int, timeout: float, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before listening on {host}:{port}")
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on {host}:{port} within {timeout:.0f} s")


def secantus_command(port: int, storage_path: str) -> list[str]:
    executable = shutil.which("secantusd-py") or str(Path(sys.executable).with_name("secantusd-py"))
    return [executable, "--host", "127.0.0.1", "--port", str(port), "--storage-path", storage_path,
            "--log-level", "WARNING"]


def start_secantus(port: int, storage_path: str, log_file=None) -> subprocess.Popen:
    """Starts SecantusDB; data in storage_path survives restarts (':memory:' for a throwaway one)."""
    if storage_path != ":memory:":
        Path(storage_path).mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(secantus_command(port, storage_path), stdout=log_file or subprocess.DEVNULL,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port("127.0.0.1", port, 60, "SecantusDB", process)
    except BaseException:
        if process.poll() is None:  # it never listened: don't leave it running
            process.kill()
            process.wait()
        raise
    return process


def amqp_address(amqp_url: str) -> tuple[str, int]:
    parsed = urlparse(amqp_url)
    return parsed.hostname or "127.0.0.1", parsed.port or 5672


def ensure_rabbitmq(amqp_url: str, timeout: float = 90) -> str:
    """Returns what it did: 'running' or 'started'; raises with install instructions when it can't."""
    host, port = amqp_address(amqp_url)
    if port_open(host, port):
        return "running"
    if host not in ("127.0.0.1", "localhost"):
        raise RuntimeError(f"nothing answers at {host}:{port} (AMQP_URL); start that broker or unset AMQP_URL")
    server = shutil.which("rabbitmq-server") or ("/usr/sbin/rabbitmq-server"
                                                if Path("/usr/sbin/rabbitmq-server").exists() else None)
    if server is None:
        raise RuntimeError(RABBITMQ_INSTALL_HINT)
    subprocess.run([server, "-detached"], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(host, port, timeout, "rabbitmq-server")
    return "started"
