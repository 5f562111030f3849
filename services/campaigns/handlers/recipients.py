"""The recipient read model: contact details, status and opt-ins from customer.* events, and from the customers
service for an id no event has named yet (no "not found" window right after a customer is created)."""
import asyncio
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from services.campaigns.handlers.deps import Deps
from shared.events import contracts
from shared.events.envelope import Envelope

CHANNELS = ("email", "sms")
LOOKUPS_AT_ONCE = 8  # GET /customers/{id} in flight per chunk: a fan-out must not flood the customers service


async def on_customer_contact(deps: Deps, event: contracts.CustomerContact, envelope: Envelope,
                              session: AsyncClientSession) -> None:
    contact = {"firstName": event.first_name, "lastName": event.last_name, "email": event.email,
               "phone": event.phone, "status": event.status, "emailOptIn": event.email_opt_in,
               "smsOptIn": event.sms_opt_in, "pushOptIn": event.push_opt_in}
    if "communication" in event.changed_fields:
        # The customer (or staff) changed opt-ins after an unsubscribe: their latest choice wins.
        for channel in CHANNELS:
            if getattr(event, f"{channel}_opt_in"):
                contact[f"unsubscribed.{channel}"] = False
    await deps.recipients.upsert_contact(event.customer_id, contact, envelope.occurred_at, session)


async def on_customer_deleted(deps: Deps, event: contracts.CustomerDeleted, envelope: Envelope,
                              session: AsyncClientSession) -> None:
    # Only the read model entry changes: the customer's messages and the campaigns' counters are history.
    await deps.recipients.mark_deleted(event.customer_id, envelope.occurred_at, session)


def contact_from_profile(profile: dict) -> tuple[dict, datetime]:
    """The read model's fields from GET /customers/{id}, and the time they are as of (the profile's updatedAt:
    any later change bumps it, so an event older than that is older than this answer)."""
    comms = profile.get("communication") or {}
    contact = {"firstName": profile["firstName"], "lastName": profile["lastName"], "email": profile["email"],
               "phone": profile.get("phone"), "status": profile["status"],
               "emailOptIn": bool(comms.get("email")), "smsOptIn": bool(comms.get("sms")),
               "pushOptIn": bool(comms.get("push"))}
    return contact, datetime.fromisoformat(profile["updatedAt"].replace("Z", "+00:00"))


async def recipients_for(deps: Deps, customer_ids: list[str]) -> dict[str, dict]:
    """The live recipients among these ids. Ids the read model has never heard of are asked of the customers
    service and its answers kept; ids it doesn't know (or known deleted here) are absent. Raises Unavailable
    when the customers service can't answer (a fan-out then resumes later instead of skipping real customers)."""
    found = await deps.recipients.by_ids(customer_ids)
    unheard = [cid for cid in customer_ids if cid not in found]
    if unheard:
        unheard = [cid for cid in unheard if cid not in await deps.recipients.known_ids(unheard)]
    if not unheard:
        return found
    gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)

    async def lookup(customer_id: str) -> dict | None:
        async with gate:
            return await deps.profiles.get(customer_id)

    profiles = [p for p in await asyncio.gather(*(lookup(cid) for cid in unheard)) if p is not None]
    if profiles:
        async def keep(session: AsyncClientSession) -> None:
            # Through the same as-of rule as events: whichever of this answer and customer.* is newer wins.
            for profile in profiles:
                contact, as_of = contact_from_profile(profile)
                await deps.recipients.upsert_contact(profile["id"], contact, as_of, session)

        await deps.runtime.transaction(keep)
        found.update(await deps.recipients.by_ids([p["id"] for p in profiles]))
    return found
