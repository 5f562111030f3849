"""create_app(settings): the loyalty service; its periodic jobs (tier reset, expiry) run on the shared scheduler."""
import httpx
from fastapi import FastAPI

from services.loyalty import events
from services.loyalty.api import codes, data_export, jobs, members, programs
from services.loyalty.clients.customers import CustomersClient
from services.loyalty.handlers.deps import Deps
from services.loyalty.handlers.jobs import periodic_jobs
from services.loyalty.handlers.programs import ensure_default_program
from services.loyalty.settings import LoyaltySettings
from shared.runtime import ServiceRuntime
from shared.service_app import ServiceParts, create_service_app


def create_app(settings: LoyaltySettings, *, customers_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """`customers_transport` lets tests route the customer lookups to an in-process customers app."""
    customers = CustomersClient(settings, customers_transport)

    async def setup(runtime: ServiceRuntime) -> ServiceParts:
        deps = Deps.build(settings, runtime, customers)
        await deps.ensure_indexes()
        await ensure_default_program(deps)
        return ServiceParts(deps, events.subscriptions(deps), jobs=periodic_jobs(deps), close=customers.aclose)

    return create_service_app(settings=settings, title="Loyalty service",
                              routers=[programs.router, members.router, jobs.router, codes.router,
                                       data_export.router], setup=setup)
