"""Route dependencies: the service's handler dependencies and the caller's correlation id."""
from fastapi import Request

from services.customers.handlers.deps import Deps


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


def correlation_id(request: Request) -> str | None:
    return request.headers.get("x-correlation-id") or getattr(request.state, "request_id", None)
