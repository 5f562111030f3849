"""Waits until processes are ready (200 on /readyz, or an open port for those without one), and notices when one
dies meanwhile."""
import time

import httpx

from devstack import infra
from devstack.errors import StackError
from devstack.processes import Child, Children
from devstack.stack import HOST, App


def wait_ready(waiting: dict[str, tuple[App, Child]], children: Children, timeout: float, on_ready=None) -> None:
    """waiting: name -> (app, its process). Raises ChildDied, or StackError naming the log on timeout."""
    pending = dict(waiting)
    last: dict[str, str] = {name: "no answer yet" for name in pending}
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while pending:
            children.check()
            for name, (app, _) in list(pending.items()):
                ready, last[name] = _probe(client, app)
                if ready:
                    del pending[name]
                    if on_ready:
                        on_ready(name, app.url)
            if not pending:
                return
            if time.monotonic() > deadline:
                name, (app, child) = next(iter(pending.items()))
                raise StackError(f"{name} was not ready within {timeout:g} s ({_target(app)}; last answer: "
                                 f"{last[name]}). See its log: {child.log_path}")
            time.sleep(0.25)


def _target(app: App) -> str:
    return f"{app.url}{app.ready_path}" if app.ready_path else f"port {HOST}:{app.port}"


def _probe(client: httpx.Client, app: App) -> tuple[bool, str]:
    if app.ready_path is None:
        return (True, "open") if infra.port_open(HOST, app.port) else (False, "port not open yet")
    try:
        response = client.get(f"{app.url}{app.ready_path}")
    except httpx.HTTPError as exc:
        return False, type(exc).__name__
    if response.status_code == 200:
        return True, "200"
    return False, f"HTTP {response.status_code}: {response.text[:200]}"
