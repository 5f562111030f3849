"""The campaigns service's public paths (open pixel, click links, unsubscribe, provider callbacks) passed through
the gateway, so one public host serves the graph and those links where no ingress routes them itself (Docker
Compose, a single machine behind one proxy). Only these prefixes pass; the request goes through byte for byte,
because provider callbacks are signed over the raw body and the URL.

Where an ingress routes the prefixes to campaigns directly (deploy/k8s/ingress.yaml), these routes go unused.
"""
import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

# The same list as services/campaigns/domain/tracking.py PUBLIC_PREFIXES (a test keeps them equal; the gateway
# imports nothing from a service).
PUBLIC_PREFIXES = ("/t/", "/u/", "/c/", "/webhooks/")
# What a mail client or provider sends that the campaigns handlers read (signatures, form bodies, the client).
_REQUEST_HEADERS = ("content-type", "user-agent", "x-twilio-signature", "x-webhook-timestamp",
                    "x-webhook-signature", "x-request-id")
_RESPONSE_HEADERS = ("content-type", "location", "cache-control", "list-unsubscribe", "x-request-id")
MAX_BODY_BYTES = 256 * 1024  # callbacks and unsubscribe forms are small; anything bigger is refused here


def public_link_routes(campaigns_url: str, state: dict) -> list[Route]:
    """`state["public_http"]`: a client of its own, opened by the lifespan. It never carries the internal token:
    these paths are public on the campaigns service too, and nothing passed through may act as the gateway."""
    base = campaigns_url.rstrip("/")

    async def pass_through(request: Request) -> Response:
        raw_path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        decoded = request.url.path  # "%2e%2e" is ".." once the service decodes it
        if any(segment in ("..", ".") for segment in raw_path.split("/") + decoded.split("/")):
            return JSONResponse({"error": {"code": "NOT_FOUND", "message": "no such link"}}, status_code=404)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": {"code": "TOO_LARGE", "message": "body too large"}}, status_code=413)
        headers = {name: request.headers[name] for name in _REQUEST_HEADERS if name in request.headers}
        if request.client:
            headers["x-forwarded-for"] = request.client.host
        # The path as sent (still percent-encoded): signed tokens and Twilio's signed URL arrive unchanged.
        url = base + raw_path + (f"?{request.url.query}" if request.url.query else "")
        try:
            answer = await state["public_http"].request(request.method, url, content=body, headers=headers,
                                                follow_redirects=False)
        except httpx.HTTPError:
            return JSONResponse({"error": {"code": "UNAVAILABLE", "message": "campaigns service unreachable"}},
                                status_code=503)
        kept = {name: answer.headers[name] for name in _RESPONSE_HEADERS if name in answer.headers}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    return [Route(prefix + "{rest:path}", pass_through, methods=["GET", "POST", "HEAD"])
            for prefix in PUBLIC_PREFIXES]
