"""A local stand-in for Twilio's Messages API: the same request (form POST with basic auth), the same answers
(Twilio-shaped JSON and errors) and Twilio-signed, form-encoded status callbacks and incoming messages."""
import asyncio
import base64
import binascii
import hmac
import uuid
from datetime import datetime, timezone
from email.utils import format_datetime
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from devstack.sinks.settings import SinkSettings
from services.campaigns.domain.signatures import TWILIO_SIGNATURE_HEADER, twilio_signature

API_VERSION = "2010-04-01"
# Answers after which Twilio (and so this fake) stops retrying a callback: the receiver refused it for good.
_FINAL = {400, 401, 403, 404, 413, 422}


def twilio_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                         "status": status}, status_code=status,
                        headers={"WWW-Authenticate": 'Basic realm="Twilio API"'} if status == 401 else None)


class FakeTwilio:
    """What was sent (`received`, newest last) and the callbacks it makes."""

    def __init__(self, settings: SinkSettings, http: httpx.AsyncClient):
        self.settings = settings
        self.http = http
        self.received: list[dict] = []
        self._token = settings.auth_token.get_secret_value()
        self._tasks: set[asyncio.Task] = set()

    def authenticated(self, account_sid: str, authorization: str | None) -> bool:
        scheme, _, encoded = (authorization or "").partition(" ")
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        expected_user = self.settings.account_sid.encode()
        return scheme.lower() == "basic" and all([
            hmac.compare_digest(user.encode(), expected_user), hmac.compare_digest(account_sid.encode(), expected_user),
            hmac.compare_digest(password.encode(), self._token.encode())])

    def accept(self, form: dict[str, str]) -> dict:
        sid = f"SM{uuid.uuid4().hex}"
        callback = form.get("StatusCallback")
        # The campaigns service puts its message id in the callback URL; shown here so a developer can match them.
        reference = parse_qs(urlsplit(callback).query).get("ref", [None])[0] if callback else None
        sms = {"id": sid, "sid": sid, "to": form["To"], "from": form.get("From"),
               "messagingServiceSid": form.get("MessagingServiceSid"), "body": form["Body"], "reference": reference,
               "statusCallback": callback, "status": "queued", "receivedAt": datetime.now(timezone.utc).isoformat()}
        if len(self.received) >= self.settings.max_kept:
            self.received.pop(0)
        self.received.append(sms)
        if self.settings.auto_deliver:
            self.spawn(self.progress(sms, ["sent", "delivered"]))
        return sms

    def resource(self, sms: dict) -> dict:
        """The message as Twilio's API returns it."""
        now = format_datetime(datetime.now(timezone.utc), usegmt=True)
        return {"sid": sms["sid"], "account_sid": self.settings.account_sid, "to": sms["to"], "from": sms["from"],
                "messaging_service_sid": sms["messagingServiceSid"], "body": sms["body"], "status": sms["status"],
                "direction": "outbound-api", "api_version": API_VERSION, "num_segments": "1", "num_media": "0",
                "date_created": now, "date_updated": now, "date_sent": None, "price": None, "price_unit": "USD",
                "error_code": None, "error_message": None,
                "uri": f"/{API_VERSION}/Accounts/{self.settings.account_sid}/Messages/{sms['sid']}.json"}

    def spawn(self, work) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def progress(self, sms: dict, statuses: list[str]) -> None:
        for status in statuses:
            await self.report(sms, status)

    async def report(self, sms: dict, status: str) -> int | None:
        """Sends the status callback for `sms`, retried like a provider would until answered or refused for good."""
        sms["status"] = status
        if not sms.get("statusCallback"):
            return None
        params = {"MessageSid": sms["sid"], "SmsSid": sms["sid"], "AccountSid": self.settings.account_sid,
                  "From": sms["from"] or "", "To": sms["to"], "MessageStatus": status, "SmsStatus": status,
                  "ApiVersion": API_VERSION}
        if sms.get("messagingServiceSid"):
            params["MessagingServiceSid"] = sms["messagingServiceSid"]
        if status in ("failed", "undelivered"):
            params["ErrorCode"] = "30003"  # Twilio: unreachable destination handset
        answer = None
        for attempt in range(6):
            try:
                answer = (await self.post_signed(sms["statusCallback"], params)).status_code
            except httpx.HTTPError:  # unreachable or no answer: tried again, like an answer that isn't 2xx
                answer = None
            if answer is not None and (answer < 300 or answer in _FINAL):
                return answer
            await asyncio.sleep(0.1 * 2 ** attempt)
        return answer

    async def post_signed(self, url: str, params: dict[str, str]) -> httpx.Response:
        signature = twilio_signature(self._token, url, params.items())
        return await self.http.post(url, data=params, headers={TWILIO_SIGNATURE_HEADER: signature})


def twilio_router(twilio: FakeTwilio) -> APIRouter:
    router = APIRouter(tags=["twilio"])

    @router.post(f"/{API_VERSION}/Accounts/{{account_sid}}/Messages.json", status_code=201)
    async def create_message(account_sid: str, request: Request):
        if not twilio.authenticated(account_sid, request.headers.get("authorization")):
            return twilio_error(401, 20003, "Authenticate")
        try:
            form = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
        except (UnicodeDecodeError, ValueError):
            return twilio_error(400, 21100, "Invalid form body")
        if not form.get("To"):
            return twilio_error(400, 21604, "A 'To' phone number is required.")
        if not form.get("Body"):
            return twilio_error(400, 21602, "Message body is required.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return twilio_error(400, 21603, "A 'From' phone number is required.")
        return JSONResponse(twilio.resource(twilio.accept(form)), status_code=201)

    return router
