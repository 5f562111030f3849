"""GET /exports/customers/{id}.json: the same export as exportCustomerData, as a file to download.

Signed in the same way as the graph (a bearer token or an API key), and checked against the same policy entry
(gateway/auth/policy.py, Query.exportCustomerData): the permission is the action's, whichever way it is reached.
Every attempt is audited, refused ones included. The answer is never cached (Cache-Control: no-store).
"""
import json
import logging
import uuid

from pymongo.errors import PyMongoError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.auth.caller import AuthFailed
from gateway.auth.policy import FIELDS
from gateway.auth.roles import allows
from gateway.clients.base import ServiceError
from gateway.context import Clients, Context
from gateway.data_export.export import export_customer_data, record_attempt
from gateway.data_export.types import DOWNLOAD_PATH
from gateway.loaders import Loaders
from gateway.settings import GatewaySettings
from shared.logging import correlation_id
from shared.web import error_response

log = logging.getLogger(__name__)

PERMISSION = FIELDS["Query.exportCustomerData"]
SIGN_IN = "sign in first: send 'Authorization: Bearer <token>' (your identity provider's, or an API key)"


def _filename(customer_id: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in customer_id)[:100]
    return f"customer-{safe}-data-export.json"


def export_routes(settings: GatewaySettings, state: dict) -> list[Route]:
    async def download(request: Request) -> Response:
        customer_id = request.path_params["customer_id"]
        request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
        correlation_id.set(request_id)
        clients = Clients.build(state["http"], settings)
        context = Context(clients=clients, loaders=Loaders.build(clients), request_id=request_id,
                          api_keys=state["api_keys"], audit=state.get("audit"),
                          client_ip=request.client.host if request.client else None,
                          user_agent=(request.headers.get("user-agent") or "")[:300] or None)
        try:
            context.caller = await state["authenticator"].caller(request.headers)
        except AuthFailed as exc:
            return error_response(401, "UNAUTHENTICATED", str(exc))
        except PyMongoError:
            return error_response(503, "UNAVAILABLE", "API keys cannot be checked right now; try again shortly")
        if context.caller is None:
            return error_response(401, "UNAUTHENTICATED", SIGN_IN)
        if not allows(context.caller.role, PERMISSION):
            message = f"role {context.caller.role.value} may not export a customer's data (needs {PERMISSION.value})"
            await record_attempt(context, customer_id, "download", "FORBIDDEN", message)
            return error_response(403, "FORBIDDEN", message, field="customerId")
        try:
            document = await export_customer_data(context, customer_id, via="download")
        except ServiceError as exc:
            return error_response(503 if exc.code == "UNAVAILABLE" else exc.status, exc.code, exc.message,
                                  field=exc.field)
        return Response(json.dumps(document, ensure_ascii=False).encode(), media_type="application/json",
                        headers={"content-disposition": f'attachment; filename="{_filename(customer_id)}"',
                                 "cache-control": "no-store", "x-request-id": request_id})

    return [Route(DOWNLOAD_PATH, download, methods=["GET"])]
