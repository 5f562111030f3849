"""Route dependencies: the service's handler dependencies and the caller's correlation id."""
from typing import Annotated

from fastapi import Depends, Query, Request

from services.loyalty.handlers.deps import Deps

MAX_PAGE = 100


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


def correlation_id(request: Request) -> str | None:
    return request.headers.get("x-correlation-id") or getattr(request.state, "request_id", None)


DepsDep = Annotated[Deps, Depends(get_deps)]
Correlation = Annotated[str | None, Depends(correlation_id)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]  # beyond 8 bytes Mongo refuses the skip (a 500)


def id_list(raw: str) -> list[str]:
    """Comma-separated ids for the batch reads, deduplicated, at most one page."""
    return list(dict.fromkeys(i for i in raw.split(",") if i))[:MAX_PAGE]
