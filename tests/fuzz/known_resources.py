"""One real resource of each kind per service, so fuzzed path parameters can name something that exists.

Each function returns path (or header) parameter name -> value, named as in the service's OpenAPI document.
"""
import time
from urllib.parse import parse_qsl

import httpx

from tests.customers.factories import customer_body, order_body
from tests.loyalty.support import member
from tests.support.http import INTERNAL_HEADERS


def _created(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201, 202), response.text
    return response.json()


async def customers_resources(api: httpx.AsyncClient) -> dict[str, str]:
    customer = _created(await api.post("/customers", json=customer_body(tags=["vip"])))
    order = _created(await api.post(f"/customers/{customer['id']}/orders", json=order_body()))
    segment = _created(await api.post("/customer-segments", json={"name": "Fuzz VIPs", "query": "tags HAS vip"}))
    job = _created(await api.post(f"/customer-segments/{segment['slug']}/bulk-actions",
                                  json={"action": "add_tags", "tags": ["fuzzed"]}))
    return {"customer_id": customer["id"], "order_id": order["id"], "id_or_slug": segment["slug"],
            "job_id": job["id"]}


async def loyalty_resources(api: httpx.AsyncClient, app) -> dict[str, str]:
    customer_id = await member(app)
    _created(await api.post(f"/customers/{customer_id}/loyalty/points", json={"points": 500, "reason": "fuzz"}))
    return {"customer_id": customer_id, "program_id": "default", "name": "expire-points"}


async def campaigns_resources(api: httpx.AsyncClient) -> dict[str, str]:
    template = _created(await api.post("/campaign-templates", json={
        "name": "Fuzz", "type": "email", "subject": "Hi {{ firstName }}", "content": "Hello {{ firstName }}"}))
    campaign = _created(await api.post("/campaigns", json={
        "name": "Fuzz", "type": "email", "subject": "Hi", "content": "Hello {{ firstName }}",
        "targetCustomers": ["nobody-in-particular"]}))
    return {"template_id": template["id"], "campaign_id": campaign["id"]}


class ProviderSigning(httpx.AsyncBaseTransport):
    """Signs what the fuzzer sends to campaigns' provider callbacks as the providers would (our HMAC scheme for
    email, X-Twilio-Signature for SMS), so fuzzed bodies reach the handlers behind the signature check."""

    def __init__(self, app, settings):
        self.inner = httpx.ASGITransport(app=app)
        self.settings = settings

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        from services.campaigns.domain import signatures, tracking
        path, body = request.url.path, await request.aread()
        if path == tracking.EMAIL_STATUS_PATH:
            stamp = str(int(time.time()))
            secret = self.settings.webhook_secret.get_secret_value()
            request.headers[signatures.TIMESTAMP_HEADER] = stamp
            request.headers[signatures.SIGNATURE_HEADER] = signatures.signature_header(secret, stamp, body)
        elif path in (tracking.SMS_STATUS_PATH, tracking.SMS_INBOUND_PATH):
            url = self.settings.public_url.rstrip("/") + request.url.raw_path.decode("ascii")
            params = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            request.headers[signatures.TWILIO_SIGNATURE_HEADER] = signatures.twilio_signature(
                self.settings.twilio_auth_token.get_secret_value(), url, params)
        return await self.inner.handle_async_request(request)


def provider_signed_client(app, settings) -> httpx.AsyncClient:
    """The campaigns client for fuzzing: the internal token, and callbacks signed (ProviderSigning)."""
    return httpx.AsyncClient(transport=ProviderSigning(app, settings), base_url=settings.public_url,
                             headers=INTERNAL_HEADERS)
