"""The sinks' HTTP side: a local Twilio (sinks/twilio.py), what arrived, and buttons for what a provider would do.

POST /2010-04-01/Accounts/{sid}/Messages.json sends an SMS (Twilio's API) and, with auto-deliver, calls its
StatusCallback with `sent` then `delivered`. POST /sms/{sid}/status re-reports a chosen status, POST /inbound
simulates a reply (STOP) from a phone, POST /mails/{id}/events reports a delivery, bounce or complaint for a mail
(signed with our HMAC scheme). GET /sms and GET /mails (the SMTP sink's) list what arrived.
"""
import json
import time
import uuid
from typing import Literal

import httpx
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from devstack.sinks.settings import SinkSettings
from devstack.sinks.smtp import MailSink, parse
from devstack.sinks.twilio import FakeTwilio, twilio_router
from services.campaigns.domain.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_header
from services.campaigns.domain.tracking import EMAIL_STATUS_PATH, SMS_INBOUND_PATH
from shared.production import require_safe_secrets


class StatusIn(BaseModel):
    status: str = "delivered"


class InboundIn(BaseModel):
    sender: str = Field(alias="from")
    body: str
    to: str = "+15005550006"  # the shop's number


class MailEventIn(BaseModel):
    status: Literal["delivered", "bounced", "complained"] = "delivered"


def create_sink_app(settings: SinkSettings, mail_sink: MailSink, http: httpx.AsyncClient) -> FastAPI:
    require_safe_secrets(settings)
    app = FastAPI(title="Local SMS provider (Twilio's API) and mail viewer")
    twilio = FakeTwilio(settings, http)
    app.include_router(twilio_router(twilio))
    app.state.sms = twilio.received
    campaigns = settings.campaigns_url.rstrip("/")

    @app.post("/sms/{sms_id}/status")
    async def set_status(sms_id: str, body: StatusIn) -> dict:
        sms = next((s for s in twilio.received if s["id"] == sms_id), None)
        if sms is None:
            raise HTTPException(404, "no such SMS")
        return {**sms, "callbackAnswer": await twilio.report(sms, body.status)}

    @app.post("/inbound")
    async def inbound(body: InboundIn) -> dict:
        sid = f"SM{uuid.uuid4().hex}"
        response = await twilio.post_signed(f"{campaigns}{SMS_INBOUND_PATH}", {
            "MessageSid": sid, "SmsSid": sid, "AccountSid": settings.account_sid, "From": body.sender,
            "To": body.to, "Body": body.body, "NumMedia": "0", "NumSegments": "1", "ApiVersion": "2010-04-01"})
        return {"messageSid": sid, "forwarded": response.status_code, "answer": response.text}

    @app.post("/mails/{mail_id}/events")
    async def mail_event(mail_id: int, body: MailEventIn) -> dict:
        item = next((m for m in mail_sink.received if m["id"] == mail_id), None)
        if item is None:
            raise HTTPException(404, "no such mail")
        payload = json.dumps({"reference": parse(item)["headers"].get("X-Campaign-Message"),
                              "status": body.status}).encode()
        timestamp = str(int(time.time()))
        response = await http.post(f"{campaigns}{EMAIL_STATUS_PATH}", content=payload, headers={
            "Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature_header(settings.webhook_secret.get_secret_value(), timestamp, payload)})
        return {"forwarded": response.status_code, "answer": response.text}

    @app.get("/stats")
    async def stats() -> dict:
        return {"mails": mail_sink.data_calls, "sms": len(twilio.received)}

    @app.get("/sms")
    async def list_sms() -> list[dict]:
        return twilio.received

    @app.get("/mails")
    async def list_mails() -> list[dict]:
        return mail_sink.mails()

    @app.delete("/sms", status_code=204)
    async def clear_sms() -> None:
        twilio.received.clear()

    @app.delete("/mails", status_code=204)
    async def clear_mails() -> None:
        mail_sink.clear()

    return app
