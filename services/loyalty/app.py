"""create_app(settings): the loyalty service, with its job scheduler beside the event consumer."""
import asyncio
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from services.loyalty import events
from services.loyalty.api import codes, jobs, members, programs
from services.loyalty.clients.customers import CustomersClient
from services.loyalty.handlers.deps import Deps
from services.loyalty.handlers.programs import ensure_default_program
from services.loyalty.handlers.scheduler import run_scheduler
from services.loyalty.settings import LoyaltySettings
from shared.runtime import ServiceRuntime
from shared.service_app import create_service_app


def create_app(settings: LoyaltySettings, *, customers_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """`customers_transport` lets tests route the customer lookups to an in-process customers app."""
    customers = CustomersClient(settings, customers_transport)

    async def setup(runtime: ServiceRuntime):
        deps = Deps.build(settings, runtime, customers)
        await deps.ensure_indexes()
        await ensure_default_program(deps)
        return deps, events.subscriptions(deps)

    app = create_service_app(settings=settings, title="Loyalty service",
                             routers=[programs.router, members.router, jobs.router, codes.router], setup=setup)
    service_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with service_lifespan(app):
            task = asyncio.create_task(run_scheduler(app.state.deps), name="loyalty-scheduler") \
                if settings.scheduler_enabled else None
            try:
                yield
            finally:
                if task:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
                await customers.aclose()

    app.router.lifespan_context = lifespan
    return app
