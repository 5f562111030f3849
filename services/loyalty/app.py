"""create_app(settings): the loyalty service (health and readiness so far)."""
from fastapi import FastAPI

from services.loyalty import events
from services.loyalty.handlers.deps import Deps
from services.loyalty.settings import LoyaltySettings
from shared.runtime import ServiceRuntime
from shared.service_app import create_service_app


def create_app(settings: LoyaltySettings) -> FastAPI:
    async def setup(runtime: ServiceRuntime):
        deps = Deps.build(settings, runtime)
        await deps.ensure_indexes()
        return deps, events.subscriptions(deps)

    return create_service_app(settings=settings, title="Loyalty service", routers=[], setup=setup)
