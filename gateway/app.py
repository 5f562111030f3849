"""create_app(settings): Strawberry on Starlette, one pooled HTTP client to the services, callers authenticated."""
import asyncio
import contextlib
import logging
import uuid
from contextlib import asynccontextmanager

import httpx
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from gateway.audit.store import AuditStore
from gateway.auth.api_keys import ApiKeyStore
from gateway.auth.caller import Authenticator, AuthFailed
from gateway.auth.oidc import OidcConfig, oidc_verifier
from gateway.context import Clients, Context
from gateway.data_export.routes import export_routes
from gateway.http_errors import CodedErrorsView
from gateway.imports.downloads import download_routes
from gateway.imports.uploads import parse_checked
from gateway.live.feed import LiveFeed
from gateway.loaders import Loaders
from gateway.metrics import HttpMetrics
from gateway.public_links import public_link_routes
from gateway.schema import build_schema
from gateway.settings import GatewaySettings
from shared.internal_auth import INTERNAL_TOKEN_HEADER
from shared.logging import correlation_id
from shared.metrics import metrics_response
from shared.production import require_safe_secrets

log = logging.getLogger(__name__)


class GatewayGraphQL(CodedErrorsView, GraphQL):
    def __init__(self, schema, state: dict, settings: GatewaySettings, **kwargs):
        # multipart: importCustomers' files (gateway/imports/uploads.py says what such a request must carry)
        super().__init__(schema, subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
                         multipart_uploads_enabled=True, **kwargs)
        self.state = state
        self.settings = settings

    async def get_context(self, request, response) -> Context:
        clients = Clients.build(self.state["http"], self.settings)
        request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
        correlation_id.set(request_id)  # the gateway's own log lines carry it too
        context = Context(clients=clients, loaders=Loaders.build(clients), request_id=request_id,
                          api_keys=self.state["api_keys"], live=self.state.get("live"), audit=self.state.get("audit"),
                          client_ip=request.client.host if request.client else None,
                          user_agent=(request.headers.get("user-agent") or "")[:300] or None)
        context.extra["settings"] = self.settings  # what signs export download links (gateway/imports)
        await self._authenticate(context, request.headers)
        return context

    async def parse_multipart(self, request):
        return await parse_checked(super().parse_multipart, request, self.settings.max_upload_bytes)

    async def on_ws_connect(self, context: Context):
        """A browser can't set headers on a WebSocket: credentials come in connection_init's payload."""
        params = context.connection_params or {}
        credential = params.get("authorization") or params.get("Authorization")
        api_key = params.get("apiKey") or params.get("x-api-key")
        if credential or api_key:
            headers = {"authorization": credential} if credential else {"x-api-key": api_key}
            await self._authenticate(context, headers)
            if context.auth_error:
                raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "message": context.auth_error})
        return await super().on_ws_connect(context)

    async def _authenticate(self, context: Context, headers) -> None:
        try:
            context.caller = await self.state["authenticator"].caller(headers)
            context.auth_error = None
        except AuthFailed as exc:
            context.auth_error = str(exc)
        except PyMongoError:
            log.warning("API key store unreachable")
            context.auth_error = "API keys cannot be checked right now; try again shortly"


def create_app(settings: GatewaySettings, *, mounts: dict[str, httpx.AsyncBaseTransport] | None = None) -> Starlette:
    """`mounts` lets tests route service URLs to in-process apps. Raises shared.production.UnsafeForProduction in
    production with unfit secrets (`python -m gateway` refuses them before this)."""
    require_safe_secrets(settings)
    state: dict = {}
    # None: HS256 development tokens are refused (production, unless DEV_TOKENS turns them on).
    dev_token_secret = settings.jwt_secret.get_secret_value() if settings.dev_tokens_enabled else None
    internal_token = settings.internal_token.get_secret_value()

    @asynccontextmanager
    async def lifespan(app: Starlette):
        limits = httpx.Limits(max_connections=settings.http_max_connections)
        mongo = AsyncMongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)
        api_keys = ApiKeyStore(mongo[settings.mongo_database]["api_keys"], settings.api_key_cache_seconds,
                               settings.api_key_cache_size)
        oidc = oidc_verifier(OidcConfig.from_settings(settings))  # None unless OIDC_ISSUER is set
        audit = AuditStore(mongo[settings.mongo_database]["audit_log"])
        try:
            await audit.ensure_indexes()
            await api_keys.ensure_indexes()
        except PyMongoError as exc:  # bearer tokens still work; API keys fail cleanly until the database is back
            log.warning("API key store unreachable at start", extra={"error": str(exc)[:200]})
        async with httpx.AsyncClient(timeout=settings.http_timeout_seconds, limits=limits, mounts=mounts,
                                     headers={INTERNAL_TOKEN_HEADER: internal_token}) as http, \
                httpx.AsyncClient(timeout=settings.http_timeout_seconds, mounts=mounts) as public_http:
            state.update(http=http, public_http=public_http, api_keys=api_keys, audit=audit,
                         authenticator=Authenticator(dev_token_secret, api_keys, oidc))
            if settings.live_updates:
                state["live"] = app.state.live = live = LiveFeed(settings.amqp_url, settings.events_exchange)
                live.start()
                with contextlib.suppress(asyncio.TimeoutError):  # queries don't wait for the broker
                    await asyncio.wait_for(live.ready.wait(), 5)
            try:
                yield
            finally:
                if "live" in state:
                    await state["live"].stop()
                await mongo.close()
                if oidc is not None:
                    await oidc.aclose()

    graphql = GatewayGraphQL(build_schema(settings), state, settings,
                             graphql_ide="graphiql" if settings.graphiql_enabled else None)

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        checks = {}
        for name in ("customers", "loyalty", "campaigns"):
            try:
                response = await state["http"].get(getattr(settings, f"{name}_url").rstrip("/") + "/healthz")
                checks[name] = response.status_code == 200
            except httpx.HTTPError:
                checks[name] = False
        ready = all(checks.values())
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                            status_code=200 if ready else 503)

    async def metrics(_: Request):
        return metrics_response()

    routes = [Route("/graphql", graphql, methods=["GET", "POST"]), WebSocketRoute("/graphql", graphql),
              Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics),
              *public_link_routes(settings.campaigns_url, state), *export_routes(settings, state),
              *download_routes(settings, state)]
    middleware = [Middleware(HttpMetrics)]
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                                     allow_headers=["authorization", "content-type", "x-api-key", "x-request-id",
                                                    "graphql-preflight"],
                                     max_age=600))
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
