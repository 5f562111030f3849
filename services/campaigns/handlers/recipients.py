"""The recipient read model: contact details and opt-ins from customer.* events."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.campaigns.handlers.deps import Deps
from shared.events import contracts
from shared.events.envelope import Envelope

CHANNELS = ("email", "sms")


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
    await deps.recipients.delete(event.customer_id, session)
