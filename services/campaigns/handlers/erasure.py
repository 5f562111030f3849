"""customer.erased in campaigns: the recipient read model entry becomes a tombstone, the person's messages lose
their address, rendered links and provider answers (their links then answer 404), the outbox records about them
are scrubbed, and the hashes join campaigns' suppression copy. Counters and message statuses stay: campaign
metrics read the same. Idempotent: the inbox marks the event, and every write is an overwrite."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.campaigns.handlers.deps import Deps
from shared.erasure import PersonalText, scrub_outbox
from shared.events import contracts
from shared.events.envelope import Envelope


async def on_customer_erased(deps: Deps, event: contracts.CustomerErased, envelope: Envelope,
                             session: AsyncClientSession) -> None:
    customer_id = event.customer_id
    before = await deps.recipients.mark_erased(customer_id, event.erased_at, session) or {}
    names = (before.get("firstName"), before.get("lastName"))
    text = PersonalText.of(email=before.get("email"), phone=before.get("phone"), names=names)
    addresses = await deps.messages.erase_for_customer(customer_id, text.scrub, event.erased_at, session)
    for address in addresses:  # what the read model no longer had (an address changed since): scrubbed as well
        if not text.found_in(address):
            extra = PersonalText.of(email=address if "@" in address else None,
                                    phone=None if "@" in address else address)
            await scrub_outbox(deps.runtime.outbox.collection, customer_id, extra, session)
    await scrub_outbox(deps.runtime.outbox.collection, customer_id, text, session)
    await deps.confirmations.delete_for_customer(customer_id, session)
    await deps.suppressions.add([event.email_hash, event.phone_hash], event.erased_at, session)
