"""One call to another service on behalf of a segment job; any failure becomes ServiceCallFailed."""
import httpx

from shared.actor import actor_headers


class ServiceCallFailed(Exception):
    """Another service said no or could not be reached; the job batch is retried later."""

    def __init__(self, message: str):
        super().__init__(message)
        self.done: list[str] = []  # what the job finished before the failure, so a retry skips it


async def call(http: httpx.AsyncClient, method: str, path: str, body: dict, headers: dict) -> None:
    try:
        response = await http.request(method, path, json=body, headers={**headers, **actor_headers()})
    except httpx.HTTPError as exc:
        raise ServiceCallFailed(f"{method} {path}: {exc}") from exc
    if response.status_code >= 400:
        raise ServiceCallFailed(f"{method} {path} answered {response.status_code}: {response.text[:200]}")
