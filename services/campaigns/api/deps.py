"""Route dependencies: the service's handler dependencies."""
from typing import Annotated

from fastapi import Depends, Query, Request

from services.campaigns.handlers.deps import Deps

MAX_PAGE = 100


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


DepsDep = Annotated[Deps, Depends(get_deps)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
