"""Customer profile commands: create, update, delete, read."""
import uuid

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.customers import (
    NOT_STORED,
    REQUIRED_ON_UPDATE,
    CustomerCreate,
    CustomerUpdate,
    profile_fields,
)
from services.customers.domain.erasure import gone, is_erased
from services.customers.domain.search import search_fields
from services.customers.handlers import consents, erasure
from services.customers.handlers.activity_log import record_activity
from services.customers.handlers.deps import Deps, utcnow
from services.customers.segments.handlers.membership import refresh_membership
from shared.errors import NotFound, ValidationFailed
from shared.events import contracts


def contact_event(event_class: type[contracts.CustomerContact], doc: dict, changed: list[str]):
    comms = doc.get("communication") or {}
    return event_class(
        customerId=doc["_id"], firstName=doc["firstName"], lastName=doc["lastName"], email=doc["email"],
        phone=doc.get("phone"), status=doc["status"], emailOptIn=comms.get("email", False),
        smsOptIn=comms.get("sms", False), pushOptIn=comms.get("push", False), changedFields=changed,
    )


async def get_customer(deps: Deps, customer_id: str) -> dict:
    doc = await deps.customers.get(customer_id)
    if doc is None:
        # A merged id keeps answering: its tombstone, naming the customer it was merged into (mergedInto).
        if (merged := await deps.merges.tombstone(customer_id)) is not None:
            return merged
        raise NotFound(f"customer {customer_id} not found", field="id")
    if is_erased(doc):
        raise gone(doc)  # 410 with erasedAt: the id is known, its personal data is gone for good
    return doc


async def create_customer(deps: Deps, body: CustomerCreate, correlation_id: str | None = None) -> dict:
    _check_consent(body)
    now = utcnow()
    doc = {
        "_id": str(uuid.uuid4()),
        **profile_fields(body, fields=set(CustomerCreate.model_fields) - NOT_STORED),
        "registrationDate": body.registration_date or now,
        "loyaltyPoints": 0, "loyaltyLifetimePoints": 0, "loyaltyTier": "bronze",
        "totalSpentMinor": 0, "totalOrders": 0, "lastPurchaseDate": None,
        "createdAt": now, "updatedAt": now,
    }
    doc.update(search_fields(doc))
    requested = doc["communication"] if "communication" in body.model_fields_set else {}

    async def work(session: AsyncClientSession) -> None:
        # Opted out by default: a flag set here is a consent, recorded (and maybe held for double opt-in)
        # before the profile is stored with the flags the ledger gives.
        none = {channel: False for channel in consents.CHANNELS}
        doc["communication"] = await consents.record_profile_change(deps, doc, requested, none, body.consent,
                                                                    session, now)
        await erasure.refuse_suppressed(deps, doc["email"], doc.get("phone"), session)
        await deps.customers.insert(doc, session)
        await refresh_membership(deps, doc["_id"], session)
        await record_activity(deps, activity.entry(doc["_id"], "profile.created", "Customer profile created", now),
                              session)
        await deps.runtime.outbox.add(session, contact_event(contracts.CustomerCreated, doc, []),
                                      correlation_id=correlation_id)

    await deps.runtime.transaction(work)
    return doc


async def update_customer(deps: Deps, customer_id: str, body: CustomerUpdate,
                          correlation_id: str | None = None) -> dict:
    _check_consent(body)
    sent = body.model_fields_set - NOT_STORED
    for name in REQUIRED_ON_UPDATE:
        if name in sent and getattr(body, name) is None:
            alias = CustomerUpdate.model_fields[name].alias or name
            raise ValidationFailed(f"{alias} cannot be null", field=alias)
    values = profile_fields(body, fields=sent)
    unset = [key for key, value in values.items() if value is None]
    requested_changes = {key: value for key, value in values.items() if value is not None}
    now = utcnow()

    async def work(session: AsyncClientSession) -> dict:
        current = await deps.customers.get(customer_id, session)
        if current is None:
            raise NotFound(f"customer {customer_id} not found", field="id")
        if is_erased(current):
            raise gone(current)
        await erasure.refuse_suppressed(deps, requested_changes.get("email"), requested_changes.get("phone"),
                                        session)
        changes = dict(requested_changes)  # this attempt's (a transaction may run its work again)
        if "communication" in changes:  # each changed flag is a consent decision, recorded first
            # Only the channels sent: {"sms": true} must not read as a revoke of email by default.
            sent_channels = {c: changes["communication"][c] for c in body.communication.model_fields_set}
            changes["communication"] = await consents.record_profile_change(
                deps, current, sent_channels, current.get("communication") or {}, body.consent, session, now)
        merged = {**current, **changes}
        for key in unset:
            merged.pop(key, None)
        updated = await deps.customers.update(
            customer_id, {**changes, **search_fields(merged), "updatedAt": now}, unset, session)
        await refresh_membership(deps, customer_id, session)
        changed = sorted(k for k in values if k != "emailKey" and current.get(k) != updated.get(k))
        if changed:
            await record_activity(deps, activity.entry(customer_id, "profile.updated",
                                                   f"Profile updated: {', '.join(changed)}", now,
                                                   {"fields": changed}), session)
            await deps.runtime.outbox.add(session, contact_event(contracts.CustomerUpdated, updated, changed),
                                          correlation_id=correlation_id)
        return updated

    return await deps.runtime.transaction(work)


def _check_consent(body: CustomerCreate | CustomerUpdate) -> None:
    if body.consent is not None and (body.communication is None or "communication" not in body.model_fields_set):
        raise ValidationFailed("consent describes opt-ins given in communication; send both", field="consent")


async def delete_customer(deps: Deps, customer_id: str, correlation_id: str | None = None) -> None:
    """Erases the customer (reason "deleted by staff"): orders, totals and timeline stay under the pseudonymous
    id, so revenue history is not rewritten; other services learn it from customer.erased."""
    await erasure.delete_customer(deps, customer_id, correlation_id)
