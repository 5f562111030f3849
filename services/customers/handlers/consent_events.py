"""Double opt-in, the customers side: campaigns reports a clicked confirmation link (customer.consent.confirmed);
the pending record it names gets its grant, source double_opt_in, with the click's IP and user agent."""
import logging

from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain.erasure import is_erased
from services.customers.handlers import consents
from services.customers.handlers.deps import Deps
from shared.events import contracts
from shared.events.envelope import Envelope

log = logging.getLogger(__name__)


async def on_consent_confirmed(deps: Deps, event: contracts.CustomerConsentConfirmed, envelope: Envelope,
                               session: AsyncClientSession) -> None:
    """Idempotent twice over: the inbox drops a redelivered event, and a pending record already confirmed (the
    same link clicked again, a second event) gets no second grant."""
    pending = await deps.consents.get(event.consent_id, session)
    if pending is None or pending.status != "pending":
        # Not a pending record (or none at all): nothing to confirm. After a merge the record belongs to the kept
        # customer, and so does the grant.
        log.info("consent confirmation names no pending record", extra={"consentId": event.consent_id})
        return
    if await deps.consents.confirmation_of(pending.id, session) is not None:
        return
    customer = await deps.customers.get(pending.customer_id, session)
    if customer is None or is_erased(customer):
        return
    await consents.append(deps, customer, consents.Entry(
        channel=pending.channel, purpose=pending.purpose, status="granted", source="double_opt_in",
        occurred_at=event.confirmed_at, confirms=pending.id, wording=pending.wording, form=pending.form, ip=event.ip,
        user_agent=event.user_agent), session)
    await consents.settle_flags(deps, customer, {pending.channel}, session, correlation_id=envelope.correlation_id)
