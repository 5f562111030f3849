"""Services answer only callers holding the internal token (the gateway and the other services).

Health, readiness and metrics stay open for probes; a service may name more public prefixes (campaigns' tracking
links and provider webhooks, which customers' mail clients and the SMS provider call).
"""
import hmac

from fastapi import FastAPI, Request

from shared.settings import ServiceSettings
from shared.web import error_response

INTERNAL_TOKEN_HEADER = "x-internal-token"
PROBE_PATHS = ("/healthz", "/readyz", "/metrics")


def internal_headers(settings: ServiceSettings) -> dict[str, str]:
    """Headers for a call to another service."""
    return {INTERNAL_TOKEN_HEADER: settings.internal_token.get_secret_value()}


def install_internal_auth(app: FastAPI, token: str, public_prefixes: tuple[str, ...] = ()) -> None:
    expected = token.encode()

    @app.middleware("http")
    async def require_internal_token(request: Request, call_next):
        path = request.url.path
        given = request.headers.get(INTERNAL_TOKEN_HEADER, "").encode()
        if path in PROBE_PATHS or path.startswith(public_prefixes) or hmac.compare_digest(given, expected):
            return await call_next(request)
        return error_response(401, "UNAUTHENTICATED",
                              "this service answers only the gateway: missing or wrong X-Internal-Token header")
