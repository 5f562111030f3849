"""The loyalty service, as a segment's award_points bulk action calls it."""
import httpx

from services.customers.clients.calls import call
from services.customers.settings import SegmentSettings


class LoyaltyClient:
    """POST /customers/{id}/loyalty/points on the loyalty service, with an idempotency key per customer and job."""

    def __init__(self, settings: SegmentSettings, headers: dict[str, str],
                 transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self.headers = headers  # the internal token
        self.transport = transport  # tests route to an in-process loyalty app

    async def award_points(self, customer_id: str, points: int, reason: str, idempotency_key: str) -> None:
        async with httpx.AsyncClient(base_url=self.settings.loyalty_url, transport=self.transport,
                                     timeout=self.settings.http_timeout_seconds) as http:
            # requestId is the loyalty service's idempotency key: the same key credits once.
            await call(http, "POST", f"/customers/{customer_id}/loyalty/points",
                       {"points": points, "reason": reason, "requestId": idempotency_key},
                       {"Idempotency-Key": idempotency_key, **self.headers})
