"""Schemathesis checks for the services: no 5xx, no leaked internals, documented 2xx bodies, coded errors.

FastAPI documents 422 as its own `{"detail": [...]}` shape, while every service answers errors with the shared
envelope `{"error": {"code", "message"}}` (shared.web); so the documented schema is checked on 2xx responses and
the envelope on JSON 4xx responses.
"""
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.fuzz.leaks import leaked_internals


class FuzzFailure(AssertionError):
    pass


def no_leaked_internals(ctx, response, case):
    leak = leaked_internals(response.content.decode("utf-8", "replace"), echoes_input=response.status_code < 400)
    if leak:
        raise FuzzFailure(f"response body shows internals ({leak!r}): {response.content[:300]!r}")


def documented_success_body(ctx, response, case):
    if 200 <= response.status_code < 300:
        return response_schema_conformance(ctx, response, case)
    return None


def coded_error_body(ctx, response, case):
    if not 400 <= response.status_code < 500 or "json" not in response.headers.get("content-type", [""])[0]:
        return None
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    if not (isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str)):
        raise FuzzFailure(f"{response.status_code} without the error envelope: {response.content[:300]!r}")


CHECKS = [not_a_server_error, no_leaked_internals, documented_success_body, coded_error_body,
          content_type_conformance]
