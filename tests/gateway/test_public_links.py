"""The gateway passes the campaigns service's public paths through (where no ingress routes them), byte for byte
and without the internal token; nothing else of the services is reachable that way."""
import json
import time

import httpx
import pytest
from asgi_lifespan import LifespanManager

from gateway.app import create_app
from gateway.public_links import PUBLIC_PREFIXES
from services.campaigns.domain.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_header
from services.campaigns.domain.tracking import PUBLIC_PREFIXES as CAMPAIGNS_PUBLIC_PREFIXES


class Recorder(httpx.AsyncBaseTransport):
    def __init__(self, app):
        self.inner = httpx.ASGITransport(app=app)
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request):
        self.requests.append(request)
        return await self.inner.handle_async_request(request)


@pytest.fixture
async def public(gateway_settings, customers_transport, loyalty_transport, campaigns_app):
    campaigns = Recorder(campaigns_app)
    app = create_app(gateway_settings, mounts={"http://customers": customers_transport,
                                               "http://loyalty": loyalty_transport, "http://campaigns": campaigns})
    async with LifespanManager(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            client.campaigns = campaigns
            yield client


def test_the_gateway_passes_exactly_the_campaigns_public_prefixes():
    assert PUBLIC_PREFIXES == CAMPAIGNS_PUBLIC_PREFIXES


async def test_a_click_link_reaches_campaigns_unchanged_and_without_the_internal_token(public):
    token = "eyJtIjoiYyJ9.abc%2Fdef"
    answer = await public.get(f"/t/c/{token}", headers={"user-agent": "Mail/1.0"})
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "NOT_FOUND"  # campaigns' own answer
    [sent] = public.campaigns.requests
    assert sent.url.raw_path == f"/t/c/{token}".encode()  # still percent-encoded
    assert "x-internal-token" not in sent.headers and sent.headers["user-agent"] == "Mail/1.0"


async def test_a_signed_callback_keeps_its_raw_body_and_signature(public, campaigns_settings):
    body = json.dumps({"reference": "no-such:message", "status": "delivered"}, separators=(",", ":")).encode()
    stamp = str(int(time.time()))
    headers = {"content-type": "application/json", TIMESTAMP_HEADER: stamp,
               SIGNATURE_HEADER: signature_header(campaigns_settings.webhook_secret.get_secret_value(), stamp, body)}
    signed = await public.post("/webhooks/email/status", content=body, headers=headers)
    assert signed.status_code != 401, signed.text  # the signature over the raw body still holds behind the gateway
    unsigned = await public.post("/webhooks/email/status", content=body, headers={"content-type": "application/json"})
    assert unsigned.status_code == 401


async def test_other_paths_and_dot_segments_go_nowhere(public):
    for path in ("/customers", "/campaigns", "/t/../customers", "/u/%2e%2e/campaigns", "/webhooks/./x"):
        answer = await public.get(path)
        assert answer.status_code == 404, path
    assert all(r.url.path.startswith(CAMPAIGNS_PUBLIC_PREFIXES) for r in public.campaigns.requests)
    assert not any(".." in r.url.path for r in public.campaigns.requests)
