"""Child processes: start one with its log file, notice when one dies, stop them all."""
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path
    infra: bool = False  # stopped after the apps (the database they use)

    def alive(self) -> bool:
        return self.process.poll() is None


class ChildDied(Exception):
    def __init__(self, child: Child):
        code = child.process.returncode
        super().__init__(f"{child.name} was killed by signal {-code}" if code < 0
                         else f"{child.name} exited with code {code}")
        self.child = child


def start_module(name: str, module: str, env: dict[str, str], log_path: Path) -> Child:
    """Runs `python -m module`, output to log_path (truncated), in its own session so Ctrl-C reaches only us."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", module], env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    return Child(name, process, log_path)


def tail(path: Path, lines: int = 30) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(deque(f, maxlen=lines)).rstrip()
    except OSError as exc:
        return f"(cannot read {path}: {exc.strerror})"


class Children:
    """The processes devstack started, in start order."""

    def __init__(self) -> None:
        self.items: list[Child] = []

    def add(self, child: Child) -> Child:
        self.items.append(child)
        return child

    def first_dead(self) -> Child | None:
        return next((c for c in self.items if not c.alive()), None)

    def check(self) -> None:
        dead = self.first_dead()
        if dead is not None:
            raise ChildDied(dead)

    def stop(self, timeout: float = 10, on_stop=None) -> None:
        """Apps first, then infrastructure: SIGTERM, wait up to timeout, then SIGKILL."""
        for group in ([c for c in self.items if not c.infra], [c for c in self.items if c.infra]):
            running = [c for c in group if c.alive()]
            if on_stop and running:
                on_stop([c.name for c in running])
            _terminate(running, timeout)


def _terminate(children: list[Child], timeout: float) -> None:
    for child in children:
        try:
            child.process.terminate()
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()
