"""GET /downloads/customer-exports/{id}.csv?expires=...&signature=...: a finished export's file, streamed from the
customers service while the signed link has not expired (imports/links.py)."""
from urllib.parse import quote

import httpx
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from gateway.imports import links
from gateway.settings import GatewaySettings


def _refusal(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def download_routes(settings: GatewaySettings, state: dict) -> list[Route]:
    secret = settings.internal_token.get_secret_value()
    base = settings.customers_url.rstrip("/")

    async def download(request: Request) -> Response:
        job_id = request.path_params["job_id"]
        problem = links.check(secret, job_id, request.query_params.get("expires"),
                              request.query_params.get("signature"))
        if problem == "invalid":
            return _refusal(403, "FORBIDDEN", "this download link is not valid")
        if problem == "expired":
            return _refusal(410, "GONE", "this download link has expired: ask customerExport for a new one")
        http: httpx.AsyncClient = state["http"]  # carries the internal token
        try:
            upstream = await http.send(http.build_request(
                "GET", f"{base}/customer-exports/{quote(job_id, safe='')}/export.csv",
                headers={"x-request-id": request.headers.get("x-request-id", "")}), stream=True)
        except httpx.HTTPError:
            return _refusal(503, "UNAVAILABLE", "customers service unreachable")
        if upstream.status_code != 200:
            body = await upstream.aread()
            await upstream.aclose()
            return Response(body, status_code=upstream.status_code,
                            media_type=upstream.headers.get("content-type", "application/json"))
        return StreamingResponse(upstream.aiter_raw(), status_code=200, background=BackgroundTask(upstream.aclose),
                                 headers={"content-type": upstream.headers.get("content-type", "text/csv"),
                                          "content-disposition": upstream.headers.get("content-disposition", ""),
                                          "cache-control": "no-store"})

    return [Route(links.PATH + "{job_id:str}.csv", download, methods=["GET"])]
