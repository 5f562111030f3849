"""The export as a staff action: assembled, then recorded in the audit log before anything is handed over.

Queries are not audited; this one is, because reading a person's whole data is an access to personal data to
attribute. The record is written by the action itself (the graph field and the file download share it), so it
holds for both ways in. A successful export whose record can't be written is refused (UNAVAILABLE): no
unattributed copy of a person's data leaves. A failed export is recorded too, on a best-effort basis.
"""
import logging
from datetime import datetime, timezone

from pymongo.errors import PyMongoError

from gateway.audit.records import AuditActor, AuditRecord
from gateway.auth.caller import Caller
from gateway.clients.base import ServiceError
from gateway.context import Context
from gateway.data_export.document import build_document

log = logging.getLogger(__name__)

OPERATION = "exportCustomerData"


def _actor(caller: Caller | None) -> AuditActor | None:
    if caller is None:
        return None
    return AuditActor(subject=caller.subject, role=caller.role.value, via=caller.via, name=caller.name,
                      email=caller.email, api_key_id=caller.api_key_id)


def export_record(context: Context, customer_id: str, via: str, outcome: str, error: str | None) -> AuditRecord:
    """`via`: "graphql" (the field) or "download" (the file route)."""
    return AuditRecord(at=datetime.now(timezone.utc), operation=OPERATION, outcome=outcome,
                       actor=_actor(context.caller), target_ids=[customer_id[:200]],
                       input={"customerId": customer_id[:200], "via": via}, operation_name=None, error=error,
                       ip=context.client_ip, user_agent=context.user_agent, request_id=context.request_id)


async def record_attempt(context: Context, customer_id: str, via: str, outcome: str, error: str | None) -> None:
    """A refused or failed export: recorded if the audit log takes it, logged otherwise (nothing was handed over)."""
    record = export_record(context, customer_id, via, outcome, (error or "")[:300] or None)
    try:
        if context.audit is not None:
            await context.audit.append(record)
            return
    except PyMongoError as exc:
        log.error("audit record not stored", extra={"operation": OPERATION, "error": str(exc)[:200]})
    log.warning("data export attempt not recorded in the audit log",
                extra={"customerId": customer_id[:200], "outcome": outcome})


async def export_customer_data(context: Context, customer_id: str, via: str) -> dict:
    """The document for an allowed caller (the permission is checked before: the graph's rule, the route's
    check); raises ServiceError with the code the caller sees."""
    try:
        document = await build_document(context.clients, context.audit, customer_id, context.forward_headers)
    except ServiceError as exc:
        await record_attempt(context, customer_id, via, exc.code, exc.message)
        raise
    try:
        await context.audit.append(export_record(context, customer_id, via, "ok", None))
    except PyMongoError as exc:
        raise ServiceError(503, "UNAVAILABLE", "the audit log can't record this export right now, so it is not "
                                               "handed over; try again shortly") from exc
    return document
