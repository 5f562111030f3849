"""Waits until processes answer 200 on /readyz, and notices when one dies meanwhile."""
import time

import httpx

from devstack.errors import StackError
from devstack.processes import Child, Children


def wait_ready(waiting: dict[str, tuple[str, Child]], children: Children, timeout: float, on_ready=None) -> None:
    """waiting: name -> (base url, its process). Raises ChildDied, or StackError naming the log on timeout."""
    pending = dict(waiting)
    last: dict[str, str] = {name: "no answer yet" for name in pending}
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while pending:
            children.check()
            for name, (url, _) in list(pending.items()):
                try:
                    response = client.get(f"{url}/readyz")
                except httpx.HTTPError as exc:
                    last[name] = f"{type(exc).__name__}"
                    continue
                if response.status_code == 200:
                    del pending[name]
                    if on_ready:
                        on_ready(name, url)
                else:
                    last[name] = f"HTTP {response.status_code}: {response.text[:200]}"
            if not pending:
                return
            if time.monotonic() > deadline:
                name, (url, child) = next(iter(pending.items()))
                raise StackError(f"{name} was not ready within {timeout:g} s ({url}/readyz; last answer: "
                                 f"{last[name]}). See its log: {child.log_path}")
            time.sleep(0.25)
