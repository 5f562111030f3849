"""SMS through Twilio's Messages API (or the local sink, which speaks the same): a form-encoded POST to
/2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP basic auth and a StatusCallback under the public URL."""
import json
from urllib.parse import quote

import httpx

from services.campaigns.delivery.errors import Ambiguous, NotSentRetryable, Rejected
from services.campaigns.domain.tracking import Links
from services.campaigns.settings import CampaignsSettings

_RETRYABLE = {429, 502, 503, 504}


class SmsSender:
    def __init__(self, settings: CampaignsSettings, http: httpx.AsyncClient, links: Links):
        self.settings = settings
        self.http = http
        self.links = links
        sid = settings.twilio_account_sid
        self.url = f"{settings.sms_url.rstrip('/')}/2010-04-01/Accounts/{quote(sid, safe='')}/Messages.json"
        self.auth = httpx.BasicAuth(sid, settings.twilio_auth_token.get_secret_value())

    def form(self, *, to: str, text: str, reference: str) -> dict[str, str]:
        s = self.settings
        sender = {"MessagingServiceSid": s.twilio_messaging_service_sid} if s.twilio_messaging_service_sid \
            else {"From": s.sms_from}
        return {"To": to, **sender, "Body": text, "StatusCallback": self.links.sms_status_callback(reference)}

    async def send(self, *, to: str, text: str, reference: str) -> str:
        """Returns Twilio's message sid; raises a DeliveryError subclass."""
        try:
            response = await self.http.post(self.url, data=self.form(to=to, text=text, reference=reference),
                                            auth=self.auth, timeout=self.settings.sms_timeout_seconds)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise NotSentRetryable(f"SMS provider unreachable: {exc}") from exc
        except httpx.HTTPError as exc:
            raise Ambiguous(f"SMS provider did not answer: {exc}") from exc
        if response.status_code in _RETRYABLE:
            raise NotSentRetryable(f"SMS provider answered {response.status_code}")
        if response.status_code >= 500:
            raise Ambiguous(f"SMS provider answered {response.status_code}")
        if response.status_code >= 400:
            raise Rejected(f"SMS provider refused: {response.status_code} {_twilio_error(response)}")
        try:
            sid = response.json().get("sid")
        except (json.JSONDecodeError, AttributeError):
            sid = None
        if not isinstance(sid, str) or not sid:
            # Accepted (2xx) but we can't tell which message it became: it may well go out, so never resent.
            raise Ambiguous(f"SMS provider answered {response.status_code} without a message sid")
        return sid


def _twilio_error(response: httpx.Response) -> str:
    """Twilio's error body is {code, message, more_info, status}; the code says why (21610: recipient opted out)."""
    try:
        body = response.json()
        return f"{body.get('code')} {body.get('message')}"[:200]
    except (json.JSONDecodeError, AttributeError):
        return response.text[:200]
