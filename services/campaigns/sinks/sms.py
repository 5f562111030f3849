"""A small SMS provider: POST /messages records the SMS and reports delivery to its statusCallback.

Also: POST /sms/{id}/status re-reports a chosen status, POST /inbound simulates a reply (STOP) from a phone,
and GET /sms, GET /mails (the SMTP sink's) list what arrived.
"""
import asyncio
import itertools
from datetime import datetime, timezone

import httpx
from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

from services.campaigns.sinks.settings import SinkSettings
from services.campaigns.sinks.smtp import MailSink


class SmsIn(BaseModel):
    to: str
    sender: str = Field("", alias="from")
    body: str
    reference: str | None = None
    status_callback: str | None = Field(None, alias="statusCallback")


class StatusIn(BaseModel):
    status: str = "delivered"


class InboundIn(BaseModel):
    sender: str = Field(alias="from")
    body: str


def create_sink_app(settings: SinkSettings, mail_sink: MailSink, http: httpx.AsyncClient) -> FastAPI:
    app = FastAPI(title="Local SMS provider and mail viewer")
    received: list[dict] = []
    ids = itertools.count(1)
    tasks: set[asyncio.Task] = set()
    app.state.sms = received

    async def report(sms: dict, status: str) -> None:
        if not sms.get("statusCallback"):
            return
        sms["status"] = status
        for attempt in range(6):  # like real providers, a callback that isn't answered 2xx is retried
            response = await http.post(sms["statusCallback"], json={"id": sms["id"], "reference": sms["reference"],
                                                                    "status": status},
                                       headers={"X-Webhook-Secret": settings.webhook_secret})
            if response.status_code < 300 or response.status_code in (403, 404, 422):
                return
            await asyncio.sleep(0.1 * 2 ** attempt)

    @app.post("/messages", status_code=201)
    async def send(body: SmsIn, authorization: str | None = Header(None)) -> dict:
        if settings.api_key and authorization != f"Bearer {settings.api_key}":
            raise HTTPException(401, "bad api key")
        sms = {"id": f"SM{next(ids):08d}", "to": body.to, "from": body.sender, "body": body.body,
               "reference": body.reference, "statusCallback": body.status_callback, "status": "accepted",
               "receivedAt": datetime.now(timezone.utc).isoformat()}
        if len(received) >= settings.max_kept:
            received.pop(0)
        received.append(sms)
        if settings.auto_deliver:
            task = asyncio.create_task(report(sms, "delivered"))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        return {"id": sms["id"], "status": "accepted"}

    @app.post("/sms/{sms_id}/status")
    async def set_status(sms_id: str, body: StatusIn) -> dict:
        sms = next((s for s in received if s["id"] == sms_id), None)
        if sms is None:
            raise HTTPException(404, "no such SMS")
        await report(sms, body.status)
        return sms

    @app.post("/inbound")
    async def inbound(body: InboundIn) -> dict:
        response = await http.post(f"{settings.campaigns_url.rstrip('/')}/webhooks/sms/inbound",
                                   json={"from": body.sender, "body": body.body},
                                   headers={"X-Webhook-Secret": settings.webhook_secret})
        return {"forwarded": response.status_code, "answer": response.json()}

    @app.get("/stats")
    async def stats() -> dict:
        return {"mails": mail_sink.data_calls, "sms": len(received)}

    @app.get("/sms")
    async def list_sms() -> list[dict]:
        return received

    @app.get("/mails")
    async def list_mails() -> list[dict]:
        return mail_sink.mails()

    @app.delete("/sms", status_code=204)
    async def clear_sms() -> None:
        received.clear()

    @app.delete("/mails", status_code=204)
    async def clear_mails() -> None:
        mail_sink.clear()

    return app
