"""Prometheus metrics of the gateway: HTTP requests (shared names with the services) and GraphQL operations."""
import time
from collections.abc import Iterator

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS

GRAPHQL_OPERATIONS = Counter("graphql_operations_total", "GraphQL operations, by type and outcome",
                             ["operation_type", "outcome"])
GRAPHQL_LATENCY = Histogram("graphql_operation_duration_seconds", "GraphQL operation latency", ["operation_type"])
GRAPHQL_ERRORS = Counter("graphql_errors_total", "GraphQL errors returned, by code", ["code"])


class HttpMetrics:
    """Counts and times each HTTP request by route template and status. A plain ASGI middleware: Starlette's
    BaseHTTPMiddleware would run every request in its own task group and pipe the answer through a stream, a cost
    each page through the gateway paid (bench.gateway)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, send_noting_status)
        # The router put the matched route in the scope; its path template keeps label cardinality bounded.
        route = getattr(scope.get("route"), "path", "unmatched")
        HTTP_REQUESTS.labels("gateway", scope["method"], route, str(status)).inc()
        HTTP_LATENCY.labels("gateway", scope["method"], route).observe(time.perf_counter() - started)


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
