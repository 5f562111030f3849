"""Assembles one person's data export: each service's whole part and the audit records naming them.

The parts are asked for at once; the document is produced only when every one answered. A part that is missing
(a service down, timing out or failing) makes the whole export fail with UNAVAILABLE: a document without, say,
the messages must never be handed over as the complete answer to "what do you hold on me?".
"""
import asyncio
from datetime import datetime, timezone

from pymongo.errors import PyMongoError

from gateway.audit.records import AuditRecord
from gateway.audit.store import AuditStore, TooManyAuditRecords
from gateway.clients.base import ServiceError
from gateway.context import Clients

FORMAT = "joantees.customer-data-export/1"
# A service reads a whole part (up to shared.data_export.MAX_ROWS rows a section): more than a page's 10 s.
PART_TIMEOUT_SECONDS = 120.0
# Audit records naming one person, taken whole (refused past it, as the services refuse past their bound).
MAX_AUDIT_RECORDS = 50_000
SERVICES = ("customers", "loyalty", "campaigns")


def not_found(customer_id: str) -> ServiceError:
    return ServiceError(404, "NOT_FOUND", f"customer {customer_id} not found", "customerId")


def audit_view(record: AuditRecord) -> dict:
    """An audit record about the person: what was done, when, by whom and how it ended. The staff member's own
    address, browser and request id stay out (they are the staff member's data, not the customer's)."""
    actor = record.actor
    return {"id": record.id, "at": record.at.isoformat(), "operation": record.operation, "outcome": record.outcome,
            "actor": None if actor is None else {"subject": actor.subject, "role": actor.role, "via": actor.via,
                                                 "name": actor.name, "email": actor.email,
                                                 "apiKeyId": actor.api_key_id},
            "targetIds": record.target_ids, "input": record.input, "error": record.error}


async def _audit_about(audit: AuditStore | None, customer_id: str) -> list[dict]:
    if audit is None:
        raise ServiceError(503, "UNAVAILABLE", "the audit log is not available: no export was produced")
    try:
        return [audit_view(r) for r in await audit.about(customer_id, MAX_AUDIT_RECORDS)]
    except TooManyAuditRecords as exc:
        raise ServiceError(413, "EXPORT_TOO_LARGE", str(exc), "customerId") from exc
    except PyMongoError as exc:
        raise ServiceError(503, "UNAVAILABLE", "the audit log is unreachable: no export was produced") from exc


def _failure(name: str, error: BaseException) -> BaseException:
    """What the caller is told when one part failed."""
    if isinstance(error, ServiceError) and error.status < 500 and error.code != "UNAVAILABLE":
        return error  # the caller's problem (too large), with its code and field
    if isinstance(error, ServiceError) or name == "audit":
        detail = error.message if isinstance(error, ServiceError) else str(error)[:200]
        return ServiceError(503, "UNAVAILABLE", f"the {name} part of the export could not be read ({detail}); no "
                                                "document was produced: try again when the service is back")
    return error  # a bug: masked as INTERNAL by the graph, a 500 on the route


async def build_document(clients: Clients, audit: AuditStore | None, customer_id: str, headers: dict) -> dict:
    """The whole document, or a ServiceError: NOT_FOUND (field customerId) for an unknown customer, UNAVAILABLE
    when any part is missing, EXPORT_TOO_LARGE past a bound."""
    if not customer_id.strip() or "/" in customer_id or customer_id in (".", ".."):
        raise not_found(customer_id)
    exported_at = datetime.now(timezone.utc)
    answers = await asyncio.gather(*(getattr(clients, name).data_export(customer_id, headers, PART_TIMEOUT_SECONDS)
                                     for name in SERVICES), _audit_about(audit, customer_id),
                                   return_exceptions=True)
    parts = dict(zip((*SERVICES, "audit"), answers))
    customers = parts["customers"]
    if isinstance(customers, ServiceError) and customers.code == "NOT_FOUND":
        raise not_found(customer_id)
    for name, answer in parts.items():
        if isinstance(answer, BaseException):
            raise _failure(name, answer) from answer
    loyalty, campaigns = parts["loyalty"], parts["campaigns"]
    return {
        "format": FORMAT, "exportedAt": exported_at.isoformat(), "customerId": customer_id,
        "profile": customers["profile"], "orders": customers["orders"], "timeline": customers["timeline"],
        "segments": customers["segments"],
        "consents": customers["consents"],
        "loyalty": {"account": loyalty["account"], "ledger": loyalty["ledger"],
                    "redemptions": loyalty["redemptions"]},
        "messages": {"messages": campaigns["messages"], "confirmations": campaigns["confirmations"],
                     "unsubscribes": campaigns["unsubscribes"],
                     "unsubscribedChannels": campaigns["unsubscribedChannels"],
                     "recipient": campaigns["recipient"]},
        "audit": parts["audit"],
    }
