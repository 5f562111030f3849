"""Callbacks as the providers send them: Twilio-signed forms and our HMAC-signed JSON, for the campaigns tests."""
import json
import time

import httpx

from services.campaigns.domain.signatures import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    TWILIO_SIGNATURE_HEADER,
    signature_header,
    twilio_signature,
)
from services.campaigns.settings import CampaignsSettings

PUBLIC = "http://campaigns"  # the tests' public_url, which the campaigns client also uses as its base


def twilio_headers(settings: CampaignsSettings, url: str, params: dict[str, str]) -> dict[str, str]:
    return {TWILIO_SIGNATURE_HEADER: twilio_signature(settings.twilio_auth_token.get_secret_value(), url,
                                                      params.items())}


async def post_twilio(client: httpx.AsyncClient, settings: CampaignsSettings, path_and_query: str,
                      params: dict[str, str], *, signature: str | None = None) -> httpx.Response:
    """POSTs a form to the public URL, signed as Twilio signs it unless `signature` is given."""
    url = f"{PUBLIC}{path_and_query}"
    headers = twilio_headers(settings, url, params) if signature is None else {TWILIO_SIGNATURE_HEADER: signature}
    return await client.post(url, data=params, headers=headers)


def signed_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"Content-Type": "application/json", TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: signature_header(secret, stamp, body)}


async def post_signed(client: httpx.AsyncClient, settings: CampaignsSettings, path: str, payload: dict, *,
                      timestamp: int | None = None) -> httpx.Response:
    body = json.dumps(payload).encode()
    return await client.post(path, content=body,
                             headers=signed_headers(settings.webhook_secret.get_secret_value(), body, timestamp))
