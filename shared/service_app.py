"""Builds a service's FastAPI app the same way for every service: lifespan, background work, errors, health,
request ids."""
import logging
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI
from pymongo.errors import PyMongoError

from shared.actor import install_actor
from shared.background import BackgroundTask
from shared.internal_auth import install_internal_auth
from shared.logging import configure_logging
from shared.metrics import OUTBOX_BACKLOG, install_http_metrics, metrics_response
from shared.production import require_safe_secrets
from shared.runtime import EventHandler, ServiceRuntime
from shared.scheduler import PeriodicJob
from shared.settings import ServiceSettings
from shared.web import ERROR_RESPONSES, health_router, install_error_handlers, install_request_ids

log = logging.getLogger(__name__)


@dataclass
class ServiceParts:
    """What a service's setup hands back: its handler dependencies, its event subscriptions, its own background
    tasks (started after the relay and consumer, stopped before them), its periodic jobs (run by the one shared
    scheduler) and what to close once all background work has stopped."""
    deps: Any
    subscriptions: dict[str, EventHandler]
    background: list[BackgroundTask] = field(default_factory=list)
    jobs: list[PeriodicJob] = field(default_factory=list)
    close: Callable[[], Awaitable[None]] | None = None


# Given the runtime, builds the service's parts (creating indexes); nothing in it runs in the background yet.
Setup = Callable[[ServiceRuntime], Awaitable[ServiceParts]]


def create_service_app(*, settings: ServiceSettings, title: str, routers: list[APIRouter], setup: Setup,
                       public_prefixes: tuple[str, ...] = ()) -> FastAPI:
    """`public_prefixes`: paths answered without the internal token (see shared.internal_auth).

    No service writes its own lifespan: background work starts once setup is done, just before the app takes
    requests, and stops at shutdown in reverse order (shared.background.Supervisor).

    Raises shared.production.UnsafeForProduction in production with unfit secrets (`__main__` has already
    refused them; this covers any other way of building the app)."""
    require_safe_secrets(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime = ServiceRuntime(settings)
        app.state.runtime = runtime
        parts: ServiceParts | None = None
        try:
            parts = await setup(runtime)
            app.state.deps = parts.deps
            for job in parts.jobs:
                runtime.scheduler.add(job)
            await runtime.start(parts.subscriptions, parts.background)
            yield
        finally:
            await runtime.stop(parts.close if parts else None)

    app = FastAPI(title=title, version="1.0.0", lifespan=lifespan)
    install_error_handlers(app)
    install_request_ids(app)
    install_actor(app)
    install_internal_auth(app, settings.internal_token.get_secret_value(), public_prefixes)

    async def readiness() -> dict[str, bool]:
        return await app.state.runtime.readiness()

    app.include_router(health_router(readiness))
    install_http_metrics(app, settings.service_name)

    @app.get("/metrics", include_in_schema=False)
    async def metrics():
        try:
            OUTBOX_BACKLOG.labels(settings.service_name).set(await app.state.runtime.outbox.backlog())
        except PyMongoError:
            log.warning("outbox backlog unknown: database unreachable")  # the other metrics still matter
        return metrics_response()
    for router in routers:
        app.include_router(router, responses=ERROR_RESPONSES)
    return app


def serve(settings: ServiceSettings, app: FastAPI) -> None:
    """Runs one service process with JSON logs."""
    configure_logging(settings.service_name, settings.log_level, settings.log_json)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False)
