"""FastAPI pieces every service uses: error mapping, health and readiness, request ids."""
import logging
import uuid
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pymongo.errors import ConnectionFailure
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import AppError
from shared.logging import correlation_id

log = logging.getLogger(__name__)

_HTTP_CODES = {400: "MALFORMED_REQUEST", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND",
               405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 413: "TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE"}


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None
    details: list[dict] | None = None


class ErrorEnvelope(BaseModel):
    """The body of every error answer (see error_response)."""
    error: ErrorBody


# FastAPI documents its own `{"detail": [...]}` for 422; the services answer the envelope.
ERROR_RESPONSES = {422: {"model": ErrorEnvelope, "description": "invalid parameters or body"}}


def error_response(status: int, code: str, message: str, *, field: str | None = None,
                   details: list[dict] | None = None) -> JSONResponse:
    body: dict = {"code": code, "message": message}
    if field:
        body["field"] = field
    if details:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status)


def _field_path(loc: tuple) -> str:
    # ("body", "address", "zip") -> "address.zip"; query parameters keep their own name.
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def on_app_error(_: Request, exc: AppError) -> JSONResponse:
        return error_response(exc.http_status, exc.code, exc.message, field=exc.field, details=exc.details)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return error_response(400, "MALFORMED_REQUEST", "request body is not valid JSON")
        details = [{"field": _field_path(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid")} for e in errors]
        first = details[0] if details else {"field": None, "message": "invalid request"}
        return error_response(422, "VALIDATION", f"{first['field']}: {first['message']}" if first["field"]
                              else first["message"], field=first["field"] or None, details=details)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, _HTTP_CODES.get(exc.status_code, "ERROR"), str(exc.detail))

    @app.exception_handler(ConnectionFailure)
    async def on_database_down(_: Request, exc: ConnectionFailure) -> JSONResponse:
        log.warning("database unavailable", extra={"error": str(exc)[:200]})
        return error_response(503, "UNAVAILABLE", "database unavailable; try again shortly")

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return error_response(500, "INTERNAL", "internal error")


def health_router(readiness: Callable[[], Awaitable[dict[str, bool]]]) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        checks = await readiness()
        ready = all(checks.values())
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                            status_code=200 if ready else 503)

    return router


def install_request_ids(app: FastAPI) -> None:
    """Keeps the caller's X-Request-Id (or makes one) and echoes it, so logs can be joined across services."""

    @app.middleware("http")
    async def request_id(request: Request, call_next):
        request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
        request.state.request_id = request_id
        correlation_id.set(request.headers.get("x-correlation-id") or request_id)
        response = await call_next(request)
        response.headers["x-request-id"] = request_id
        return response
