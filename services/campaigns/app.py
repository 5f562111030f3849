"""create_app(settings): the campaigns service: API, recipient read model, send workers and scheduler."""
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from services.campaigns import events
from services.campaigns.api import campaigns, messages, templates, tracking
from services.campaigns.handlers import scheduler
from services.campaigns.handlers.delivery import Deliverer
from services.campaigns.handlers.deps import Deps
from services.campaigns.settings import CampaignsSettings
from services.campaigns.work.queue import WorkQueue
from shared.runtime import ServiceRuntime
from shared.service_app import create_service_app


def create_app(settings: CampaignsSettings, *,
               customers_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """`customers_transport` lets tests route segment lookups to an in-process customers app."""

    async def setup(runtime: ServiceRuntime):
        deps = Deps.build(settings, runtime, customers_transport)
        await deps.ensure_indexes()
        return deps, events.subscriptions(deps)

    app = create_service_app(settings=settings, title="Campaigns service",
                             routers=[campaigns.router, templates.router, messages.router, tracking.router],
                             setup=setup, public_prefixes=tracking.PUBLIC_PREFIXES)
    service_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with service_lifespan(app):
            deps: Deps = app.state.deps
            deliverer = Deliverer(deps)
            work = WorkQueue(settings, deliverer.handle)
            deps.work = work
            try:
                await work.declare()
                work.start()
                if settings.scheduler_enabled:
                    deps.background.spawn(scheduler.run(deps), name="scheduler")
                yield
            finally:
                # Deliveries stop first, then in-flight sends are cancelled as a crash would leave them: the restart
                # rules must cope. Refusing work items instead (nack and requeue) had the broker hand them straight
                # back, and a quorum queue counts every such return toward its delivery limit: parked, never sent.
                deliverer.stopping = True
                await work.stop_consuming()
                await deps.background.stop()
                await work.stop()
                await deps.close()

    app.router.lifespan_context = lifespan
    return app
