"""SMS through one provider's HTTP API (Twilio-like: POST /messages with a status callback)."""
import httpx

from services.campaigns.delivery.errors import Ambiguous, NotSentRetryable, Rejected
from services.campaigns.settings import CampaignsSettings

_RETRYABLE = {429, 502, 503, 504}


class SmsSender:
    def __init__(self, settings: CampaignsSettings, http: httpx.AsyncClient):
        self.settings = settings
        self.http = http

    async def send(self, *, to: str, text: str, reference: str) -> str:
        """Returns the provider's message id; raises a DeliveryError subclass."""
        s = self.settings
        headers = {"Authorization": f"Bearer {s.sms_api_key}"} if s.sms_api_key else {}
        body = {"to": to, "from": s.sms_sender, "body": text, "reference": reference,
                "statusCallback": f"{s.public_url.rstrip('/')}/webhooks/sms/status"}
        try:
            response = await self.http.post(f"{s.sms_url.rstrip('/')}/messages", json=body, headers=headers,
                                            timeout=s.sms_timeout_seconds)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise NotSentRetryable(f"SMS provider unreachable: {exc}") from exc
        except httpx.HTTPError as exc:
            raise Ambiguous(f"SMS provider did not answer: {exc}") from exc
        if response.status_code in _RETRYABLE:
            raise NotSentRetryable(f"SMS provider answered {response.status_code}")
        if response.status_code >= 500:
            raise Ambiguous(f"SMS provider answered {response.status_code}")
        if response.status_code >= 400:
            raise Rejected(f"SMS provider refused: {response.status_code} {response.text[:200]}")
        return str(response.json().get("id", ""))
