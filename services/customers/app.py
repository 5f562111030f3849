"""create_app(settings): the customers service."""
from fastapi import FastAPI

from services.customers import events
from services.customers.api import activity, consents, csv_jobs, customers, data_export, erasure, merges, orders
from services.customers.api import stats as stats_routes
from services.customers.handlers import csv_worker
from services.customers.handlers.csv_parts import CsvParts
from services.customers.handlers.deps import Deps
from services.customers.insights.api import routes as insight_routes
from services.customers.insights.handlers import worker as insight_worker
from services.customers.insights.handlers.parts import InsightParts
from services.customers.segments.api import routes as segment_routes
from services.customers.segments.handlers import membership as segment_membership
from services.customers.segments.handlers import timers as segment_timers
from services.customers.segments.handlers import worker as segment_worker
from services.customers.segments.handlers.crud import install_prebuilt
from services.customers.settings import CustomersSettings
from services.customers.store.csv_jobs import CsvJobStore
from shared.runtime import ServiceRuntime
from shared.service_app import ServiceParts, create_service_app


def create_app(settings: CustomersSettings) -> FastAPI:
    async def setup(runtime: ServiceRuntime) -> ServiceParts:
        deps = Deps.build(settings, runtime)
        await deps.ensure_indexes()
        await install_prebuilt(deps)
        csv = app.state.csv = CsvParts(settings.csv, CsvJobStore(runtime.db))  # CSV import and export jobs
        await csv.store.ensure_indexes()
        insights = app.state.insights = InsightParts.build(  # RFM, CLV, churn; segments on them follow
            runtime.db, settings.insights, lambda ids: segment_membership.insights_changed(deps, ids))
        await insights.ensure_indexes()
        return ServiceParts(deps, events.subscriptions(deps),
                            background=[segment_worker.job_worker(deps, runtime.instance_id),
                                        segment_timers.timer_worker(deps, runtime.instance_id),
                                        csv_worker.job_worker(deps, csv, runtime.instance_id),
                                        insight_worker.scorer(insights)],
                            jobs=[segment_worker.refresh_job(deps), insight_worker.refit_job(insights)])

    app = create_service_app(settings=settings, title="Customers service",
                             routers=[customers.router, orders.router, activity.router, segment_routes.router,
                                      data_export.router, consents.router, erasure.router, merges.router,
                                      csv_jobs.router, stats_routes.router, insight_routes.router],
                             setup=setup)
    return app
