"""create_app(settings): the campaigns service (health and readiness so far)."""
from fastapi import FastAPI

from services.campaigns import events
from services.campaigns.handlers.deps import Deps
from services.campaigns.settings import CampaignsSettings
from shared.runtime import ServiceRuntime
from shared.service_app import create_service_app


def create_app(settings: CampaignsSettings) -> FastAPI:
    async def setup(runtime: ServiceRuntime):
        deps = Deps.build(settings, runtime)
        await deps.ensure_indexes()
        return deps, events.subscriptions(deps)

    return create_service_app(settings=settings, title="Campaigns service", routers=[], setup=setup)
