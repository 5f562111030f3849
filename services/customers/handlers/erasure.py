"""Erasing a customer's personal data (right to erasure), and the suppression check create and import use.

One transaction overwrites the profile with its tombstone, scrubs the timeline and the outbox records about the
person, leaves every segment, suppresses the email and phone and publishes customer.erased for the other services.
Orders and totals stay under the customer id (the pseudonym): revenue and every aggregate read the same after.
"""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.erasure import (
    DELETED_BY_STAFF,
    Erasure,
    is_erased,
    personal_text,
    scrubbed_entry,
    tombstone,
)
from services.customers.handlers.activity_log import record_activity
from services.customers.handlers.deps import Deps, utcnow
from services.customers.segments.handlers.membership import refresh_membership
from shared.actor import actor_record
from shared.erasure import ERASED, email_hash, phone_hash
from shared.errors import Conflict, NotFound
from shared.events import contracts


class ContactSuppressed(Conflict):
    code = "SUPPRESSED"


async def erase_customer(deps: Deps, customer_id: str, reason: str, correlation_id: str | None = None) -> Erasure:
    """Erases once; a second call answers the first erasure and changes nothing (already_erased)."""
    now = utcnow()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # as stored: a repeat answers the same time

    async def work(session: AsyncClientSession) -> Erasure:
        current = await deps.customers.get(customer_id, session)
        if current is None:
            raise NotFound(f"customer {customer_id} not found", field="customerId")
        if is_erased(current):
            return Erasure(customer_id, current["erasedAt"], current["erasure"]["reason"], already_erased=True)
        text = personal_text(current)
        digests = email_hash(current.get("email")), phone_hash(current.get("phone"))
        await deps.erasure.overwrite_profile(customer_id, tombstone(current, reason, actor_record(), now), session)
        await deps.erasure.scrub_timeline(customer_id, lambda entry: scrubbed_entry(entry, text), session)
        await refresh_membership(deps, customer_id, session, now)  # an erased profile matches no segment
        await deps.suppressions.add(customer_id, *digests, now, session)
        await _forget_merged(deps, customer_id, now, session)
        await deps.consents.redact_for_customer(customer_id, session)  # proof kept, IP and user agent dropped
        await record_activity(deps, activity.entry(customer_id, "profile.erased", "Personal data erased", now),
                              session)
        # After the entries above: their own customer.activity.recorded carry no personal data to scrub.
        await deps.erasure.scrub_outbox(customer_id, text, session)
        await deps.runtime.outbox.add(session, contracts.CustomerErased(
            customerId=customer_id, reason=reason, erasedAt=now, emailHash=digests[0], phoneHash=digests[1]),
            correlation_id=correlation_id)
        return Erasure(customer_id, now, reason, already_erased=False)

    return await deps.runtime.transaction(work)


async def _forget_merged(deps: Deps, customer_id: str, now, session: AsyncClientSession) -> None:
    """Profiles merged into this one were the same person: their tombstones lose the names and email they kept,
    their addresses are suppressed too, and the outbox records about their old ids are scrubbed."""
    for merged in await deps.merges.merged_into(customer_id, session):
        await deps.suppressions.add(customer_id, email_hash(merged.get("email")), None, now, session)
        await deps.erasure.scrub_outbox(merged["_id"], personal_text(merged), session)
    await deps.merges.forget_tombstones_of(customer_id, ERASED, session)


async def delete_customer(deps: Deps, customer_id: str, correlation_id: str | None = None) -> Erasure:
    """DELETE /customers/{id} erases: deleting orders and timeline would rewrite revenue and history."""
    try:
        return await erase_customer(deps, customer_id, DELETED_BY_STAFF, correlation_id)
    except NotFound as exc:
        raise NotFound(exc.message, field="id") from exc


async def refuse_suppressed(deps: Deps, email: str | None, phone: str | None,
                            session: AsyncClientSession | None = None) -> None:
    """A create (or an email/phone change) may not bring back an erased person's contact."""
    hit = await deps.suppressions.suppressed(emails=[email] if email else [], phones=[phone] if phone else [],
                                             session=session)
    if hit.emails:
        raise ContactSuppressed("this email belongs to an erased customer and may not be used again",
                                field="email")
    if hit.phones:
        raise ContactSuppressed("this phone number belongs to an erased customer and may not be used again",
                                field="phone")
