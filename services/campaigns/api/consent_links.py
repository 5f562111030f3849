"""Public route: the double opt-in confirmation link (`/c/<token>`), reached from the person's mail."""
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.campaigns.api.deps import DepsDep
from services.campaigns.handlers import consent_confirmations

router = APIRouter(tags=["consent"])
NO_STORE = {"Cache-Control": "no-store, max-age=0"}


@router.get("/c/{token}", response_class=HTMLResponse)
async def confirmation_page(token: str, deps: DepsDep) -> HTMLResponse:
    """GET only asks: mail scanners open every link, and a scanner's visit must not be taken for consent."""
    await consent_confirmations.resolve(deps, token)
    return HTMLResponse('<html><body><form method="post"><p>Receive our news and offers by email?</p>'
                        '<button type="submit">Yes, confirm</button></form></body></html>', headers=NO_STORE)


@router.post("/c/{token}", response_class=HTMLResponse)
async def confirm(token: str, request: Request, deps: DepsDep) -> HTMLResponse:
    """The click that records the consent; its IP (the peer: run uvicorn with FORWARDED_ALLOW_IPS behind a proxy)
    and user agent are its proof."""
    await consent_confirmations.confirm(deps, token, request.client.host if request.client else None,
                                        request.headers.get("user-agent"))
    return HTMLResponse("<html><body><p>Thank you: your subscription is confirmed.</p></body></html>",
                        headers=NO_STORE)
