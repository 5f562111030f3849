"""Calls a service and turns its error bodies into ServiceError with the service's code and field."""
from typing import Any
from urllib.parse import quote

import httpx


class ServiceError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 details: list[dict] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.details = status, code, message, field, details or []


def path_id(value: str) -> str:
    """An id as one URL path segment: `a/b` or `..` can't reach another route, and an empty id is not found."""
    text = str(value)
    # Servers decode %2F back to "/" before routing, so an id holding one could reach another route.
    if not text.strip() or "/" in text or text in (".", ".."):
        raise ServiceError(404, "NOT_FOUND", f"no such id: {text!r}", "id")
    return quote(text, safe="")


class ServiceClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, name: str):
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.name = name

    async def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                      headers: dict | None = None, timeout: float | None = None) -> Any:
        """`timeout`: seconds for this call instead of the client's (a whole data export takes longer)."""
        try:
            response = await self.http.request(method, self.base_url + path, json=json, params=params,
                                               headers=headers,
                                               timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout)
        except httpx.TimeoutException as exc:
            raise ServiceError(504, "UNAVAILABLE", f"{self.name} service timed out") from exc
        except httpx.TransportError as exc:
            raise ServiceError(503, "UNAVAILABLE", f"{self.name} service unreachable") from exc
        if response.status_code >= 400:
            raise _error_from(response, self.name)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    async def data_export(self, customer_id: str, headers: dict, timeout: float) -> dict:
        """This service's whole part of one person's data export: every service answers the same path
        (GET /customers/{id}/data-export), and the export hands the JSON document on as written."""
        return await self.request("GET", f"/customers/{path_id(customer_id)}/data-export", headers=headers,
                                  timeout=timeout)


def _error_from(response: httpx.Response, service: str) -> ServiceError:
    try:
        error = response.json()["error"]
        return ServiceError(response.status_code, error["code"], error["message"], error.get("field"),
                            error.get("details"))
    except (ValueError, KeyError, TypeError):
        return ServiceError(response.status_code, "INTERNAL" if response.status_code >= 500 else "ERROR",
                            f"{service} service answered {response.status_code}")
