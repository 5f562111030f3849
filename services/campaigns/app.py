"""create_app(settings): the campaigns service: API, recipient read model, send workers and the campaign tick."""
import httpx
from fastapi import FastAPI

from services.campaigns import events
from services.campaigns.api import campaigns, consent_links, data_export, messages, templates, tracking
from services.campaigns.handlers.delivery import Deliverer
from services.campaigns.handlers.deps import Deps
from services.campaigns.handlers.scheduler import campaign_tick
from services.campaigns.settings import CampaignsSettings
from services.campaigns.work.queue import WorkQueue
from shared.runtime import ServiceRuntime
from shared.service_app import ServiceParts, create_service_app


def create_app(settings: CampaignsSettings, *,
               customers_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """`customers_transport` lets tests route segment lookups to an in-process customers app."""

    async def setup(runtime: ServiceRuntime) -> ServiceParts:
        deps = Deps.build(settings, runtime, customers_transport)
        await deps.ensure_indexes()
        deliverer = Deliverer(deps)
        work = WorkQueue(settings, deliverer.handle)
        deps.work = work
        await work.declare()  # before the app takes requests: no work item is ever unroutable

        def stop_delivering() -> None:
            deliverer.stopping = True

        async def close() -> None:
            # By now the work-queue consumer has stopped (its unacknowledged items go back to the queue); in-flight
            # sends and fan-outs are cancelled as a crash would leave them: the restart rules must cope. Refusing
            # work items instead (nack and requeue) had the broker hand them straight back, and a quorum queue
            # counts every such return toward its delivery limit: parked, never sent.
            await deps.background.stop()
            await work.stop()
            await deps.close()

        return ServiceParts(deps, events.subscriptions(deps), background=[work.consuming(stop_delivering)],
                            jobs=[campaign_tick(deps)], close=close)

    return create_service_app(settings=settings, title="Campaigns service",
                              routers=[campaigns.router, templates.router, messages.router, tracking.router,
                                       data_export.router, consent_links.router],
                              setup=setup, public_prefixes=tracking.PUBLIC_PREFIXES)
