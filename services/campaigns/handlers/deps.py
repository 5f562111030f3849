"""What every handler works with; built once in the app's lifespan."""
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx

from services.campaigns.clients.customers import CustomerProfiles, SegmentMembers
from services.campaigns.delivery.email import EmailSender
from services.campaigns.delivery.ratelimit import RateLimiter
from services.campaigns.delivery.sms import SmsSender
from services.campaigns.domain.consent_links import ConsentLinks
from services.campaigns.domain.tracking import Links, Tokens
from services.campaigns.settings import CampaignsSettings
from services.campaigns.store.campaigns import CampaignStore
from services.campaigns.store.confirmations import ConfirmationStore
from services.campaigns.store.fanouts import FanoutStore
from services.campaigns.store.merges import MergeWrites
from services.campaigns.store.messages import MessageStore
from services.campaigns.store.receipts import CallbackReceipts
from services.campaigns.store.recipients import RecipientStore
from services.campaigns.store.suppressions import SuppressionCopy
from services.campaigns.store.templates import TemplateStore
from services.campaigns.work.background import Background
from shared.internal_auth import internal_headers
from shared.runtime import ServiceRuntime


@dataclass
class Deps:
    settings: CampaignsSettings
    runtime: ServiceRuntime
    http: httpx.AsyncClient
    campaigns: CampaignStore
    templates: TemplateStore
    messages: MessageStore
    recipients: RecipientStore
    fanouts: FanoutStore
    segments: SegmentMembers
    profiles: CustomerProfiles
    email: EmailSender
    sms: SmsSender
    links: Links
    limiter: RateLimiter
    background: Background
    receipts: CallbackReceipts
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)
    work: object | None = None  # the WorkQueue, set by the app once built
    confirmations: ConfirmationStore = None  # set by build (double opt-in requests)
    consent_links: ConsentLinks = None  # set by build
    suppressions: SuppressionCopy = None  # set by build
    merges: MergeWrites = None  # set by build

    @classmethod
    def build(cls, settings: CampaignsSettings, runtime: ServiceRuntime,
              customers_transport: httpx.AsyncBaseTransport | None = None) -> "Deps":
        db = runtime.db
        http = httpx.AsyncClient(timeout=10.0, mounts={settings.customers_url.rstrip("/"): customers_transport}
                                 if customers_transport else None)
        links = Links(settings.public_url, Tokens(settings.tracking_secret.get_secret_value()))
        return cls(settings, runtime, http, CampaignStore(db), TemplateStore(db), MessageStore(db),
                   RecipientStore(db), FanoutStore(db),
                   SegmentMembers(http, settings.customers_url, internal_headers(settings)),
                   CustomerProfiles(http, settings.customers_url, internal_headers(settings)), EmailSender(settings),
                   SmsSender(settings, http, links), links,
                   RateLimiter(settings.send_rate_per_second), Background(), CallbackReceipts(db),
                   confirmations=ConfirmationStore(db),
                   consent_links=ConsentLinks(settings.public_url, settings.tracking_secret.get_secret_value()),
                   suppressions=SuppressionCopy(db), merges=MergeWrites(db))

    async def ensure_indexes(self) -> None:
        for store in (self.campaigns, self.templates, self.messages, self.recipients, self.fanouts, self.receipts,
                      self.confirmations):
            await store.ensure_indexes()

    async def close(self) -> None:
        await self.background.stop()
        await self.email.close()
        await self.http.aclose()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
