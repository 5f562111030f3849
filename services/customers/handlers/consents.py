"""Consent use cases: append to the ledger and keep the profile's opt-in flags what the ledger says, in the same
transaction, announcing a change with customer.updated (segments, campaigns' read model and the graph follow).

Used by the consents API, customer create and update (`communication` with or without `consent`), the
unsubscribe handler, the double opt-in confirmation and, through `rederive_flags`, a merge.
"""
from dataclasses import dataclass
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain import activity
from services.customers.domain.consents import (
    CHANNELS,
    ConsentCreate,
    ConsentProof,
    ConsentRecord,
    decides_flag,
    needs_confirmation,
    new_record,
)
from services.customers.domain.erasure import gone, is_erased
from services.customers.handlers.activity_log import record_activity
from services.customers.handlers.deps import Deps, utcnow
from services.customers.segments.handlers.membership import refresh_membership
from shared.actor import actor_record
from shared.errors import NotFound
from shared.events import contracts

_SOURCE_WORDS = {"signup_form": "signup form", "unsubscribe_link": "unsubscribe link", "sms_stop": "SMS STOP",
                 "provider_complaint": "spam complaint", "double_opt_in": "double opt-in confirmation",
                 "preference_center": "preference center", "customer_request": "customer request"}


@dataclass(frozen=True)
class Entry:
    """One decision to append: what, how, and when it was given."""

    channel: str
    status: str  # granted | revoked (a grant may become pending: double opt-in)
    source: str
    occurred_at: datetime
    purpose: str = "marketing"
    proof: ConsentProof | None = None
    campaign_id: str | None = None
    confirms: str | None = None
    wording: str | None = None
    form: str | None = None
    ip: str | None = None
    user_agent: str | None = None


async def append(deps: Deps, customer: dict, entry: Entry, session: AsyncClientSession,
                 now: datetime | None = None, *, timeline: bool = True) -> ConsentRecord:
    """Appends one record (a signup-form email grant becomes `pending` under double opt-in and asks campaigns for
    the confirmation mail), with its timeline entry unless the caller's own entry says it (a profile created or
    updated). The flags are the caller's: see `settle_flags`."""
    now = now or utcnow()
    status = entry.status
    if needs_confirmation(entry.channel, entry.purpose, status, entry.source, deps.settings.consent.double_opt_in):
        status = "pending"
    doc = new_record(deps.consents.new_id(), customer["_id"], channel=entry.channel, purpose=entry.purpose,
                     status=status, source=entry.source, occurred_at=entry.occurred_at, recorded_at=now,
                     proof=entry.proof, actor=actor_record(), campaign_id=entry.campaign_id, confirms=entry.confirms,
                     wording=entry.wording, form=entry.form, ip=entry.ip, user_agent=entry.user_agent)
    record = await deps.consents.append(doc, session)
    if timeline:
        source = _SOURCE_WORDS.get(record.source, record.source)
        await record_activity(deps, activity.entry(
            customer["_id"], f"consent.{record.status}",
            f"{record.channel.capitalize()} {record.purpose} consent {record.status} ({source})", record.occurred_at,
            {"consentId": record.id, "channel": record.channel, "purpose": record.purpose, "source": record.source}),
            session)
    if record.status == "pending":
        await deps.runtime.outbox.add(session, contracts.CustomerConsentConfirmationRequested(
            customerId=customer["_id"], consentId=record.id, email=customer["email"],
            firstName=customer.get("firstName"), wording=record.wording))
    return record


async def settle_flags(deps: Deps, customer: dict, channels: set[str], session: AsyncClientSession,
                       now: datetime | None = None, correlation_id: str | None = None) -> dict:
    """Re-derives these channels' flags from the ledger (latest marketing decision wins) and, when one moved,
    writes it with segment membership and customer.updated. Returns the customer as it now is. A channel with no
    decision at all keeps its flag: false for every customer created since the ledger exists (opted out by
    default), and what a profile stored before it had, until its first decision (a merge must not silently opt
    such a customer out)."""
    communication = dict(customer.get("communication") or {})
    flags = {}
    for channel in sorted(channels):
        latest = await deps.consents.latest_decision(customer["_id"], channel, session)
        flags[channel] = bool(communication.get(channel)) if latest is None else latest.status == "granted"
    if all(bool(communication.get(channel)) == value for channel, value in flags.items()):
        return customer
    now = now or utcnow()
    updated = await deps.customers.update(
        customer["_id"], {**{f"communication.{c}": v for c, v in flags.items()}, "updatedAt": now}, [], session)
    await refresh_membership(deps, customer["_id"], session, now)
    from services.customers.handlers.profiles import contact_event  # profiles imports this module
    await deps.runtime.outbox.add(session, contact_event(contracts.CustomerUpdated, updated, ["communication"]),
                                  correlation_id=correlation_id)
    return updated


async def record(deps: Deps, customer_id: str, body: ConsentCreate,
                 correlation_id: str | None = None) -> ConsentRecord:
    """POST /customers/{id}/consents."""
    now = utcnow()
    entry = Entry(channel=body.channel, purpose=body.purpose, status=body.status, source=body.source,
                  occurred_at=body.occurred_at or now, proof=body)

    async def work(session: AsyncClientSession) -> ConsentRecord:
        customer = await deps.customers.get(customer_id, session)
        if customer is None:
            raise NotFound(f"customer {customer_id} not found", field="id")
        if is_erased(customer):
            raise gone(customer)  # nobody left to consent; the redacted ledger stays readable as proof
        appended = await append(deps, customer, entry, session, now)
        if decides_flag(appended.purpose, appended.status):
            await settle_flags(deps, customer, {appended.channel}, session, now, correlation_id)
        return appended

    return await deps.runtime.transaction(work)


async def page(deps: Deps, customer_id: str, limit: int, offset: int):
    if await deps.customers.get(customer_id) is None:
        raise NotFound(f"customer {customer_id} not found", field="id")
    return await deps.consents.page_for_customer(customer_id, limit, offset)


def profile_entries(requested: dict, current: dict, proof: ConsentProof | None, now: datetime) -> list[Entry]:
    """A create or update that sets `communication`: one entry per channel whose flag it changes. Without a
    `consent` proof the change is staff's word (source `admin`, with the actor)."""
    source = proof.source if proof else "admin"
    return [Entry(channel=channel, status="granted" if requested[channel] else "revoked", source=source,
                  occurred_at=now, proof=proof)
            for channel in CHANNELS
            if channel in requested and bool(requested[channel]) != bool(current.get(channel))]


async def record_profile_change(deps: Deps, customer: dict, requested: dict, current: dict,
                                proof: ConsentProof | None, session: AsyncClientSession, now: datetime) -> dict:
    """Appends the entries a create or update implies and returns the flags to store: what was asked, except
    that a grant held for confirmation (double opt-in) stays as it was."""
    flags = {channel: bool(current.get(channel)) for channel in CHANNELS}
    for entry in profile_entries(requested, current, proof, now):
        # The timeline already has profile.created, or profile.updated naming communication.
        appended = await append(deps, customer, entry, session, now, timeline=False)
        if decides_flag(appended.purpose, appended.status):
            flags[appended.channel] = appended.status == "granted"
    return flags


async def rederive_flags(deps: Deps, customer_id: str, session: AsyncClientSession) -> dict | None:
    """After records moved to this customer (a merge): every channel's flag as its ledger now says."""
    customer = await deps.customers.get(customer_id, session)
    if customer is None:
        return None
    return await settle_flags(deps, customer, set(CHANNELS), session)
