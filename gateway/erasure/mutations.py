"""Mutation eraseCustomer(customerId, reason) (permission customers:delete)."""
from datetime import datetime

import strawberry
from strawberry.types import Info

from gateway.erasure.flow import erase


@strawberry.type(description="An erasure: the personal data is overwritten everywhere; orders, ledger entries and "
                             "counters stay under the customer id.")
class CustomerErasure:
    customer_id: strawberry.ID
    erased_at: datetime
    reason: str
    already_erased: bool = strawberry.field(description="true: an earlier erasure did it; nothing changed now")
    audit_records_redacted: int = strawberry.field(
        description="audit records about the person whose inputs were redacted (who did what and when stays)")


@strawberry.type
class ErasureMutations:
    @strawberry.mutation(description="Erases the customer's personal data in every service (right to erasure). "
                                     "reason: 1 to 500 characters. Erasing again is a no-op; the email and phone "
                                     "are suppressed (no new customer, no message).")
    async def erase_customer(self, info: Info, customer_id: strawberry.ID, reason: str) -> CustomerErasure:
        done = await erase(info.context, customer_id, reason)
        return CustomerErasure(customer_id=done.customer_id, erased_at=done.erased_at, reason=done.reason,
                               already_erased=done.already_erased,
                               audit_records_redacted=done.audit_records_redacted)
