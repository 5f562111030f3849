"""What campaigns asks the customers service over HTTP: segment membership, and a customer it hasn't heard of."""
from collections.abc import AsyncIterator
from urllib.parse import quote

import httpx

from shared.errors import AppError, Unavailable, ValidationFailed

PAGE = 100


class SegmentMembers:
    def __init__(self, http: httpx.AsyncClient, base_url: str, headers: dict[str, str]):
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.headers = headers  # the internal token; the shared client also calls the SMS provider, so not default

    async def _get(self, segment: str, offset: int) -> dict:
        # One escaped path segment: `..`, `a/b`, `?` or control characters must not reach another route (`..`
        # would make GET /customers the audience) nor fail building the URL.
        if not segment.strip() or "/" in segment or segment in (".", ".."):
            raise ValidationFailed(f"segment {segment!r} does not exist", field="targetSegment")
        url = f"{self.base_url}/customer-segments/{quote(segment, safe='')}/customers"
        try:
            response = await self.http.get(url, params={"limit": PAGE, "offset": offset}, headers=self.headers)
        except httpx.HTTPError as exc:
            raise Unavailable(f"customers service unreachable: {exc}") from exc
        if response.status_code == 404:
            raise ValidationFailed(f"segment {segment!r} does not exist", field="targetSegment")
        if response.status_code >= 400:
            raise AppError(f"customers service answered {response.status_code} for segment {segment!r}")
        return response.json()

    async def pages(self, segment: str) -> AsyncIterator[list[str]]:
        """Customer ids of the segment, one page at a time (offset paging, as every list here)."""
        offset = 0
        while True:
            page = await self._get(segment, offset)
            ids = [item.get("id") or item.get("customerId") for item in page.get("items", [])]
            if ids:
                yield ids
            offset += len(ids)
            # A short page ends the list; `total` is not trusted since a stored count may lag the members.
            if len(ids) < PAGE:
                return

    async def check(self, segment: str) -> None:
        """Raises VALIDATION on targetSegment if the segment doesn't exist."""
        await self._get(segment, 0)


class CustomerProfiles:
    """GET /customers/{id}: the fallback for a customer whose customer.created hasn't reached campaigns yet."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, headers: dict[str, str]):
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.headers = headers

    async def get(self, customer_id: str) -> dict | None:
        """The customer as the customers service shows it, or None if it has no such customer."""
        # An id that can't be one path segment names no customer (and must not reach another route).
        if not customer_id.strip() or "/" in customer_id or customer_id in (".", ".."):
            return None
        url = f"{self.base_url}/customers/{quote(customer_id, safe='')}"
        try:
            response = await self.http.get(url, headers=self.headers)
        except httpx.HTTPError as exc:
            raise Unavailable(f"customers service unreachable: {exc}") from exc
        if response.status_code in (400, 404, 410, 422):  # 410: erased, no recipient any more
            return None
        if response.status_code >= 500:
            # Transient: a fan-out stops here and resumes when its lease runs out, rather than skip a real customer.
            raise Unavailable(f"customers service answered {response.status_code} for customer {customer_id!r}")
        if response.status_code >= 400:
            raise AppError(f"customers service answered {response.status_code} for customer {customer_id!r}")
        return response.json()
