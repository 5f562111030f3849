"""The per-request context: typed service clients, fresh DataLoaders, the caller, and the ids to pass on."""
from dataclasses import dataclass, field

import httpx

from gateway.audit.store import AuditStore
from gateway.auth.api_keys import ApiKeyStore
from gateway.auth.caller import Caller
from gateway.clients.campaigns import CampaignsClient
from gateway.clients.csv_jobs import CsvJobsClient
from gateway.clients.customers import CustomersClient
from gateway.clients.loyalty import LoyaltyClient
from gateway.clients.segments import SegmentsClient
from gateway.live.feed import LiveFeed
from gateway.loaders import Loaders
from gateway.settings import GatewaySettings
from shared.actor import ACTOR_HEADER, Actor


@dataclass
class Clients:
    customers: CustomersClient
    loyalty: LoyaltyClient
    campaigns: CampaignsClient
    segments: SegmentsClient
    csv_jobs: CsvJobsClient

    @classmethod
    def build(cls, http: httpx.AsyncClient, settings: GatewaySettings) -> "Clients":
        return cls(customers=CustomersClient(http, settings.customers_url, "customers"),
                   loyalty=LoyaltyClient(http, settings.loyalty_url, "loyalty"),
                   campaigns=CampaignsClient(http, settings.campaigns_url, "campaigns"),
                   segments=SegmentsClient(http, settings.customers_url, "customers"),
                   csv_jobs=CsvJobsClient(http, settings.customers_url, "customers"))


@dataclass
class Context:
    clients: Clients
    loaders: Loaders
    request_id: str
    api_keys: ApiKeyStore
    caller: Caller | None = None
    auth_error: str | None = None  # credentials were sent but refused: reported instead of "sign in"
    connection_params: dict | None = None  # a WebSocket's connection_init payload
    live: LiveFeed | None = None  # None when live updates are turned off
    audit: AuditStore | None = None
    client_ip: str | None = None
    user_agent: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def forward_headers(self) -> dict:
        """Sent with every service call: the request id, and who is acting so the services can name them."""
        headers = {"x-request-id": self.request_id, "x-correlation-id": self.request_id}
        if self.caller is not None:
            headers[ACTOR_HEADER] = Actor(subject=self.caller.subject, role=self.caller.role.value,
                                          name=self.caller.name, email=self.caller.email,
                                          apiKeyId=self.caller.api_key_id, via=self.caller.via).header_value()
        return headers
