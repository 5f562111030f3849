"""Schemathesis checks for the services: no 5xx, no leaked internals, documented bodies, coded errors.

Bodies are checked against the document where it has their status (2xx, and 422 with the shared error
envelope); other 4xx (404, 409, 400, ...) are undocumented, so they are checked for the envelope directly.
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


def coded_error_body(ctx, response, case):
    if not 400 <= response.status_code < 500 or "json" not in response.headers.get("content-type", [""])[0]:
        return None
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    if not (isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str)):
        raise FuzzFailure(f"{response.status_code} without the error envelope: {response.content[:300]!r}")


CHECKS = [not_a_server_error, no_leaked_internals, response_schema_conformance, coded_error_body,
          content_type_conformance]
