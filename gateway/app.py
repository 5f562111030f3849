"""create_app(settings): Strawberry on Starlette, one pooled HTTP client to the services."""
import uuid
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

from shared.internal_auth import INTERNAL_TOKEN_HEADER
from gateway.context import Clients, Context
from gateway.loaders import Loaders
from gateway.schema import build_schema
from gateway.settings import GatewaySettings


class GatewayGraphQL(GraphQL):
    def __init__(self, schema, http_holder: dict, settings: GatewaySettings, **kwargs):
        super().__init__(schema, **kwargs)
        self.http_holder = http_holder
        self.settings = settings

    async def get_context(self, request, response) -> Context:
        clients = Clients.build(self.http_holder["http"], self.settings)
        request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
        return Context(clients=clients, loaders=Loaders.build(clients), request_id=request_id)


def create_app(settings: GatewaySettings, *, mounts: dict[str, httpx.AsyncBaseTransport] | None = None) -> Starlette:
    """`mounts` lets tests route service URLs to in-process apps."""
    holder: dict = {}

    @asynccontextmanager
    async def lifespan(app: Starlette):
        limits = httpx.Limits(max_connections=settings.http_max_connections)
        async with httpx.AsyncClient(timeout=settings.http_timeout_seconds, limits=limits, mounts=mounts,
                                     headers={INTERNAL_TOKEN_HEADER: settings.internal_token}) as http:
            holder["http"] = http
            yield

    graphql = GatewayGraphQL(build_schema(settings), holder, settings, graphql_ide="graphiql" if settings.graphiql
                             else None)

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        checks = {}
        for name in ("customers", "loyalty", "campaigns"):
            try:
                response = await holder["http"].get(getattr(settings, f"{name}_url").rstrip("/") + "/healthz")
                checks[name] = response.status_code == 200
            except httpx.HTTPError:
                checks[name] = False
        ready = all(checks.values())
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                            status_code=200 if ready else 503)

    routes = [Route("/graphql", graphql, methods=["GET", "POST"]), WebSocketRoute("/graphql", graphql),
              Route("/healthz", healthz), Route("/readyz", readyz)]
    return Starlette(routes=routes, lifespan=lifespan)
