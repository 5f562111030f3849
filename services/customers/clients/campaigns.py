"""The campaigns service, as a segment's target_campaign bulk action calls it."""
import httpx

from services.customers.clients.calls import call
from services.customers.settings import SegmentSettings


class CampaignsClient:
    """Sets a campaign's target segment on the campaigns service."""

    def __init__(self, settings: SegmentSettings, headers: dict[str, str]):
        self.settings = settings
        self.headers = headers  # the internal token

    async def target_segment(self, campaign_id: str, segment_slug: str, idempotency_key: str) -> None:
        async with httpx.AsyncClient(base_url=self.settings.campaigns_url,
                                     timeout=self.settings.http_timeout_seconds) as http:
            await call(http, "PUT", f"/campaigns/{campaign_id}", {"targetSegment": segment_slug},
                       {"Idempotency-Key": idempotency_key, **self.headers})
