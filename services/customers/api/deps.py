"""Route dependencies: the service's handler dependencies."""
from typing import Annotated

from fastapi import Depends, Request

from services.customers.handlers.deps import Deps


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


DepsDep = Annotated[Deps, Depends(get_deps)]
