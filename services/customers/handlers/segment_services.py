"""What segment handlers need beyond the customer stores: settings, job store, and the loyalty and campaigns APIs."""
import asyncio
from dataclasses import dataclass, field

import httpx

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pymongo.asynchronous.database import AsyncDatabase

from services.customers.store.segment_jobs import SegmentJobStore
from shared.actor import actor_headers
from services.customers.store.segments import SegmentStore


class SegmentSettings(BaseSettings):
    """SEGMENTS_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="SEGMENTS_", extra="ignore")

    loyalty_url: str = "http://127.0.0.1:8002"
    campaigns_url: str = "http://127.0.0.1:8003"
    batch_size: int = Field(200, ge=1, le=1000, description="customers per job transaction")
    worker_poll_seconds: float = Field(1.0, gt=0)
    job_lease_seconds: float = Field(60.0, gt=0)
    job_max_attempts: int = Field(5, ge=1)
    time_refresh_seconds: float = Field(900.0, gt=0, description="how often time-based segments are recomputed")
    http_timeout_seconds: float = Field(10.0, gt=0)


class ServiceCallFailed(Exception):
    """Another service said no or could not be reached; the job batch is retried later."""


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
            await _call(http, "POST", f"/customers/{customer_id}/loyalty/points",
                        {"points": points, "reason": reason, "requestId": idempotency_key},
                        {"Idempotency-Key": idempotency_key, **self.headers})


class CampaignsClient:
    """Sets a campaign's target segment on the campaigns service."""

    def __init__(self, settings: SegmentSettings, headers: dict[str, str]):
        self.settings = settings
        self.headers = headers

    async def target_segment(self, campaign_id: str, segment_slug: str, idempotency_key: str) -> None:
        async with httpx.AsyncClient(base_url=self.settings.campaigns_url,
                                     timeout=self.settings.http_timeout_seconds) as http:
            await _call(http, "PUT", f"/campaigns/{campaign_id}", {"targetSegment": segment_slug},
                        {"Idempotency-Key": idempotency_key, **self.headers})


async def _call(http: httpx.AsyncClient, method: str, path: str, body: dict, headers: dict) -> None:
    try:
        response = await http.request(method, path, json=body, headers={**headers, **actor_headers()})
    except httpx.HTTPError as exc:
        raise ServiceCallFailed(f"{method} {path}: {exc}") from exc
    if response.status_code >= 400:
        raise ServiceCallFailed(f"{method} {path} answered {response.status_code}: {response.text[:200]}")


@dataclass
class SegmentParts:
    settings: SegmentSettings
    store: SegmentStore
    jobs: SegmentJobStore
    loyalty: LoyaltyClient
    campaigns: CampaignsClient
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def build(cls, db: AsyncDatabase, headers: dict[str, str], settings: SegmentSettings | None = None
              ) -> "SegmentParts":
        """`headers`: what calls to the other services carry (the internal token)."""
        settings = settings or SegmentSettings()
        return cls(settings, SegmentStore(db), SegmentJobStore(db), LoyaltyClient(settings, headers),
                   CampaignsClient(settings, headers))

    async def ensure_indexes(self) -> None:
        await self.store.ensure_indexes()
        await self.jobs.ensure_indexes()
