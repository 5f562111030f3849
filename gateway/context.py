"""The per-request context: typed service clients, fresh DataLoaders, and the ids to pass on."""
from dataclasses import dataclass, field

import httpx

from gateway.clients.customers import CustomersClient
from gateway.loaders import Loaders
from gateway.settings import GatewaySettings


@dataclass
class Clients:
    customers: CustomersClient

    @classmethod
    def build(cls, http: httpx.AsyncClient, settings: GatewaySettings) -> "Clients":
        return cls(customers=CustomersClient(http, settings.customers_url, "customers"))


@dataclass
class Context:
    clients: Clients
    loaders: Loaders
    request_id: str
    extra: dict = field(default_factory=dict)

    @property
    def forward_headers(self) -> dict:
        return {"x-request-id": self.request_id, "x-correlation-id": self.request_id}
