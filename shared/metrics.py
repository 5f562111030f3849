"""Prometheus metrics every service exposes at /metrics: requests, events, outbox backlog."""
import time

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests served", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["service", "method", "route"])
EVENTS_PUBLISHED = Counter("events_published_total", "Events confirmed by the broker", ["service", "type"])
EVENTS_CONSUMED = Counter("events_consumed_total", "Events taken from the queue, by outcome",
                          ["service", "type", "outcome"])
OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox records not yet published", ["service"])


def route_template(request: Request) -> str:
    # The route's path template keeps label cardinality bounded (/customers/{customer_id}, not every id).
    route = request.scope.get("route")
    return getattr(route, "path", "unmatched")


def install_http_metrics(app, service: str) -> None:
    @app.middleware("http")
    async def measure(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        route = route_template(request)
        HTTP_REQUESTS.labels(service, request.method, route, str(response.status_code)).inc()
        HTTP_LATENCY.labels(service, request.method, route).observe(time.perf_counter() - started)
        return response


def metrics_response() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
