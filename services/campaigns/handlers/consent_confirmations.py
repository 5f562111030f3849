"""Double opt-in, the campaigns side: customers asks (customer.consent.confirmation.requested), campaigns mails the
link; a click on it (POST /c/<token>) is reported back as customer.consent.confirmed with the click's IP and user
agent, and customers records the grant."""
import logging
from datetime import timedelta, timezone

from pymongo.asynchronous.client_session import AsyncClientSession

from services.campaigns.delivery.confirmation_mail import build_confirmation_email
from services.campaigns.delivery.errors import DeliveryError, Rejected
from services.campaigns.handlers.deps import Deps, utcnow
from services.campaigns.store.confirmations import Confirmation
from shared.errors import AppError, NotFound, Unavailable
from shared.events import contracts
from shared.events.envelope import Envelope

log = logging.getLogger(__name__)


class LinkExpired(AppError):
    code = "EXPIRED"
    http_status = 410


async def on_confirmation_requested(deps: Deps, event: contracts.CustomerConsentConfirmationRequested,
                                    envelope: Envelope, session: AsyncClientSession) -> None:
    """Mails the confirmation link once per request. Sent from inside the event's transaction: if the commit then
    fails the redelivered event mails again (at least once; a second identical mail is harmless, a lost one is not).
    A transient SMTP refusal is retried with the event; a permanent one is recorded, and the consent stays pending."""
    now = utcnow()
    confirmation = await deps.confirmations.open(
        event.consent_id, event.customer_id, now, now + timedelta(days=deps.settings.consent_confirmation_days),
        session)
    if confirmation.sent_at is not None:
        return
    mail = build_confirmation_email(sender=deps.settings.mail_from, to=event.email, first_name=event.first_name,
                                    wording=event.wording, url=deps.consent_links.url(event.consent_id),
                                    consent_id=event.consent_id)
    try:
        await deps.email.send(mail)
    except Rejected as exc:
        log.warning("confirmation mail refused", extra={"consentId": event.consent_id, "reason": exc.message})
        await deps.confirmations.mark_sent(event.consent_id, now, session, failure=exc.message)
        return
    except DeliveryError as exc:
        raise Unavailable(f"confirmation mail not sent yet: {exc.message}") from exc
    await deps.confirmations.mark_sent(event.consent_id, now, session)


async def resolve(deps: Deps, token: str) -> Confirmation:
    """The open confirmation a link names; NotFound (forged, erased) or LinkExpired."""
    confirmation = await deps.confirmations.get(deps.consent_links.read(token))
    if confirmation is None:
        raise NotFound("this link is not valid", field="token")
    expires_at = confirmation.expires_at
    if expires_at.tzinfo is None:  # stored in UTC; read back naive unless the client is tz-aware
        expires_at = expires_at.replace(tzinfo=timezone.utc)
    if confirmation.confirmed_at is None and expires_at < utcnow():
        raise LinkExpired("this confirmation link has expired; sign up again to get a new one", field="token")
    return confirmation


async def confirm(deps: Deps, token: str, ip: str | None, user_agent: str | None) -> Confirmation:
    """The person's click: reported to customers once (a second click changes nothing)."""
    confirmation = await resolve(deps, token)
    now = utcnow()

    async def work(session: AsyncClientSession) -> None:
        if await deps.confirmations.mark_confirmed(confirmation.consent_id, now, session):
            await deps.runtime.outbox.add(session, contracts.CustomerConsentConfirmed(
                customerId=confirmation.customer_id, consentId=confirmation.consent_id, confirmedAt=now, ip=ip,
                userAgent=(user_agent or "")[:500] or None))

    await deps.runtime.transaction(work)
    return confirmation
