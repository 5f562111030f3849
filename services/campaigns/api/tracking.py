"""Public routes: open pixel, click redirect, unsubscribe page, and the providers' webhooks."""
import base64
import hmac
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field

from services.campaigns.api.deps import DepsDep
from services.campaigns.domain.campaigns import InputModel
from services.campaigns.handlers import tracking
from shared.errors import AppError, Forbidden

router = APIRouter(tags=["tracking"])
# Reached by mail clients and the SMS provider, so answered without the internal token (links are signed).
PUBLIC_PREFIXES = ("/t/", "/u/", "/webhooks/")
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = {"Cache-Control": "no-store, max-age=0"}


@router.get("/t/o/{token}.gif", response_class=Response,
            responses={200: {"description": "a 1x1 GIF", "content": {"image/gif": {}}}})
async def open_pixel(token: str, deps: DepsDep) -> Response:
    try:
        await tracking.record_open(deps, token)
    except AppError:
        pass  # a broken or forged pixel still gets an image; it just counts nothing
    return Response(PIXEL, media_type="image/gif", headers=NO_STORE)


@router.get("/t/c/{token}")
async def click(token: str, deps: DepsDep) -> RedirectResponse:
    return RedirectResponse(await tracking.record_click(deps, token), status_code=302, headers=NO_STORE)


@router.get("/u/{token}", response_class=HTMLResponse)
async def unsubscribe_page(token: str, deps: DepsDep) -> HTMLResponse:
    """GET only asks: link scanners open every link in a mail, so unsubscribing takes the POST."""
    deps.links.tokens.read("unsubscribe", token)
    return HTMLResponse(f'<html><body><form method="post" action="/u/{token}"><p>Stop these messages?</p>'
                        '<button type="submit">Unsubscribe</button></form></body></html>')


@router.post("/u/{token}", response_class=HTMLResponse)
async def unsubscribe(token: str, deps: DepsDep) -> HTMLResponse:
    """The page's button and RFC 8058 one-click (List-Unsubscribe-Post) both land here."""
    message = await tracking.unsubscribe_by_token(deps, token)
    return HTMLResponse(f"<html><body><p>You are unsubscribed from {message['channel']} messages.</p></body></html>")


def _check_secret(deps, secret: str | None) -> None:
    if not secret or not hmac.compare_digest(secret, deps.settings.webhook_secret):
        raise Forbidden("bad or missing webhook secret", field="X-Webhook-Secret")


class StatusReport(InputModel):
    model_config = {**InputModel.model_config, "extra": "ignore"}
    reference: str = Field(min_length=1, description="our message id, given when sending")
    status: Literal["delivered", "bounced", "failed", "undelivered"]


class InboundSms(InputModel):
    model_config = {**InputModel.model_config, "extra": "ignore"}
    sender: str = Field(alias="from", min_length=3)
    body: str


Secret = Annotated[str | None, Header(alias="X-Webhook-Secret")]


@router.post("/webhooks/sms/status", status_code=204)
@router.post("/webhooks/email/status", status_code=204)
async def delivery_status(report: StatusReport, deps: DepsDep, secret: Secret = None) -> Response:
    _check_secret(deps, secret)
    await tracking.delivery_report(deps, report.reference, report.status)
    return Response(status_code=204)


@router.post("/webhooks/sms/inbound")
async def inbound_sms(message: InboundSms, deps: DepsDep, secret: Secret = None) -> dict:
    _check_secret(deps, secret)
    return {"unsubscribed": await tracking.inbound_sms(deps, message.sender, message.body)}
