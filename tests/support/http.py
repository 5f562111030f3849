"""HTTP clients to in-process service apps, carrying the internal token as the gateway does."""
import httpx

from shared.internal_auth import INTERNAL_TOKEN_HEADER
from shared.settings import ServiceSettings

INTERNAL_HEADERS = {INTERNAL_TOKEN_HEADER: ServiceSettings().internal_token.get_secret_value()}


def service_client(app, base_url: str = "http://service") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url, headers=INTERNAL_HEADERS)
