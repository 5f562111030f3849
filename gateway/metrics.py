"""Prometheus metrics of the gateway: HTTP requests (shared names with the services) and GraphQL operations."""
import time
from collections.abc import Iterator

from prometheus_client import Counter, Histogram
from starlette.middleware.base import BaseHTTPMiddleware
from strawberry.extensions import SchemaExtension

from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS, route_template

GRAPHQL_OPERATIONS = Counter("graphql_operations_total", "GraphQL operations, by type and outcome",
                             ["operation_type", "outcome"])
GRAPHQL_LATENCY = Histogram("graphql_operation_duration_seconds", "GraphQL operation latency", ["operation_type"])
GRAPHQL_ERRORS = Counter("graphql_errors_total", "GraphQL errors returned, by code", ["code"])


class HttpMetrics(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        route = route_template(request)
        HTTP_REQUESTS.labels("gateway", request.method, route, str(response.status_code)).inc()
        HTTP_LATENCY.labels("gateway", request.method, route).observe(time.perf_counter() - started)
        return response


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        execution = self.execution_context
        try:
            kind = execution.operation_type.value
        except Exception:  # unparsable document: no operation type to speak of
            kind = "unknown"
        result = execution.result
        errors = list(getattr(result, "errors", None) or execution.pre_execution_errors or [])
        for error in errors:
            GRAPHQL_ERRORS.labels((error.extensions or {}).get("code", "UNKNOWN")).inc()
        GRAPHQL_OPERATIONS.labels(kind, "error" if errors else "ok").inc()
        GRAPHQL_LATENCY.labels(kind).observe(time.perf_counter() - started)
