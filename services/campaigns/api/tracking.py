"""Public routes: open pixel, click redirect, unsubscribe page, and (api/webhooks.py) the providers' callbacks."""
import base64

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from services.campaigns.api import webhooks
from services.campaigns.api.deps import DepsDep
from services.campaigns.domain import tracking as links
from services.campaigns.handlers import tracking
from shared.errors import AppError

router = APIRouter(tags=["tracking"])
# Reached by mail clients and the providers, so answered without the internal token (links and callbacks are
# signed). The ingress routes exactly these prefixes of public_url to the service.
PUBLIC_PREFIXES = links.PUBLIC_PREFIXES
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


@router.get("/t/c/{token}", status_code=302, response_class=Response,
            responses={302: {"description": "to the link of the message's content the token names"}})
async def click(token: str, deps: DepsDep) -> Response:
    # Location set as given: a RedirectResponse would re-quote the URL, and it must stay exactly as written.
    url = await tracking.record_click(deps, token)
    return Response(status_code=302, headers={**NO_STORE, "Location": links.location_header(url)})


@router.get("/u/{token}", response_class=HTMLResponse)
async def unsubscribe_page(token: str, deps: DepsDep) -> HTMLResponse:
    """GET only asks: link scanners open every link in a mail, so unsubscribing takes the POST."""
    await tracking.unsubscribe_target(deps, token)
    # No action: the form posts back to the URL it was opened at, whatever public_url's path is.
    return HTMLResponse('<html><body><form method="post"><p>Stop these messages?</p>'
                        '<button type="submit">Unsubscribe</button></form></body></html>')


@router.post("/u/{token}", response_class=HTMLResponse)
async def unsubscribe(token: str, deps: DepsDep) -> HTMLResponse:
    """The page's button and RFC 8058 one-click (List-Unsubscribe-Post) both land here."""
    message = await tracking.unsubscribe_by_token(deps, token)
    return HTMLResponse(f"<html><body><p>You are unsubscribed from {message.channel} messages.</p></body></html>")


router.include_router(webhooks.router)
