"""One erasure as the gateway runs it: learn the person's contact (to find it in the audit inputs), have the
customers service erase, then redact the audit records about the person. Used by eraseCustomer and deleteCustomer.

The order matters: the audit log is redacted only after the customers service accepted the erasure, and a repeated
call (the gateway stopped in between) redacts again: by the customer id alone once the profile is gone."""
from dataclasses import dataclass
from datetime import datetime

from gateway.clients.base import ServiceError
from shared.erasure import PersonalText

DELETED_BY_STAFF = "deleted by staff"  # deleteCustomer's reason: a delete is an erasure (history is kept)


@dataclass(frozen=True)
class ErasureDone:
    customer_id: str
    erased_at: datetime
    reason: str
    already_erased: bool
    audit_records_redacted: int


async def erase(ctx, customer_id: str, reason: str, *, id_field: str = "customerId") -> ErasureDone:
    """`id_field`: the argument an unknown id is reported on (eraseCustomer's customerId, deleteCustomer's id)."""
    clients = ctx.clients.customers
    profile = await clients.profile_or_none(customer_id)  # None: unknown (the erase says 404) or already erased
    text = PersonalText.of(email=profile.get("email"), phone=profile.get("phone"),
                           names=(profile.get("firstName"), profile.get("lastName"))) if profile else PersonalText.of()
    try:
        answer = await clients.erase(customer_id, reason, ctx.forward_headers)
    except ServiceError as exc:
        if exc.code == "NOT_FOUND" and exc.field != id_field:
            raise ServiceError(exc.status, exc.code, exc.message, id_field) from exc
        raise
    redacted = await ctx.audit.redact_about(customer_id, text) if ctx.audit is not None else 0
    return ErasureDone(customer_id=answer["id"], erased_at=datetime.fromisoformat(answer["erasedAt"]),
                       reason=answer["reason"], already_erased=answer["alreadyErased"],
                       audit_records_redacted=redacted)
