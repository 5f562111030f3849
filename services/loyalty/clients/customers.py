"""The customers service, asked about one customer loyalty has not heard of yet (its events may still be on the
way): GET /customers/{id} with the internal token."""
import logging
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from services.loyalty.settings import LoyaltySettings
from shared.errors import Unavailable
from shared.internal_auth import internal_headers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CustomerFound:
    """What loyalty keeps of a customer: that they exist, and their status."""

    customer_id: str
    status: str


class CustomersClient:
    def __init__(self, settings: LoyaltySettings, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self.transport = transport  # tests route to an in-process customers app
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        # Made on first use: most processes never need it, since the events tell loyalty about customers first.
        if self._http is None:
            self._http = httpx.AsyncClient(base_url=self.settings.customers_url.rstrip("/"), transport=self.transport,
                                           timeout=self.settings.customers_timeout_seconds,
                                           headers=internal_headers(self.settings))
        return self._http

    async def find(self, customer_id: str) -> CustomerFound | None:
        """The customer, or None when the customers service has no such customer; Unavailable when it can't say."""
        if customer_id in ("", ".", ".."):
            return None  # not an id, and as a path segment it would reach another route
        try:
            response = await self._client().get(f"/customers/{quote(customer_id, safe='')}")
        except httpx.HTTPError as exc:
            raise Unavailable("the customers service is unreachable; retry shortly", field="customerId") from exc
        if response.status_code in (404, 410):  # 410: erased, never a member again
            return None
        if response.status_code != 200:
            log.warning("customer lookup failed", extra={"status": response.status_code, "body": response.text[:200]})
            raise Unavailable(f"the customers service answered {response.status_code}; retry shortly",
                              field="customerId")
        body = response.json()
        return CustomerFound(customer_id=body["id"], status=body["status"])

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
