"""Provider callbacks: shown to come from the provider, acted on at most once, then handed to the tracking use
cases. A callback refused here has changed nothing."""
import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from services.campaigns.domain.signatures import FUTURE_SKEW_SECONDS, SIGNATURE_HEADER, verify_twilio, verify_v1
from services.campaigns.handlers import tracking
from services.campaigns.handlers.deps import Deps, utcnow
from shared.errors import Conflict

# Twilio signs no time, so its callbacks are recognised by what they are about; it stops retrying within hours.
TWILIO_RECEIPT_DAYS = 30
# Twilio's MessageStatus values that move a message; the others (queued, sending, sent, ...) count nothing.
TWILIO_OUTCOMES = {"delivered": "delivered", "undelivered": "bounced", "failed": "bounced"}


@dataclass(frozen=True)
class SignedCallback:
    """A callback whose signature and timestamp checked out: `key` recognises its replay until `expires_at`."""
    key: str
    expires_at: datetime


def authenticate_signed(deps: Deps, timestamp: str | None, signature: str | None, body: bytes) -> SignedCallback:
    settings = deps.settings
    matched = verify_v1(settings.webhook_secret.get_secret_value(), timestamp, signature, body, now=time.time(),
                        tolerance=settings.webhook_tolerance_seconds)
    # Past this moment the timestamp check refuses the same request anyway.
    expires = int(timestamp) + settings.webhook_tolerance_seconds + FUTURE_SKEW_SECONDS
    return SignedCallback(f"v1:{matched}", datetime.fromtimestamp(expires, timezone.utc))


async def email_status(deps: Deps, callback: SignedCallback, reference: str, status: str) -> None:
    """Delivered, bounced or complained, for one email message; a replayed callback is refused."""
    acted = await _once(deps, callback.key, callback.expires_at,
                        lambda: tracking.delivery_report(deps, reference, status, channel="email"))
    if not acted:
        raise Conflict("this callback was received before (a replay); nothing changed", field=SIGNATURE_HEADER)


def authenticate_twilio(deps: Deps, url: str, params: list[tuple[str, str]], signature: str | None) -> None:
    verify_twilio(deps.settings.twilio_auth_token.get_secret_value(), url, params, signature)


async def sms_status(deps: Deps, reference: str, message_sid: str, message_status: str) -> bool:
    """Twilio's status callback for one of our SMS; False when it moves nothing (a status we don't count, or the
    same (MessageSid, MessageStatus) again: Twilio's retry or a replay, acknowledged without effect)."""
    outcome = TWILIO_OUTCOMES.get(message_status)
    if outcome is None:
        return False
    return await _once(deps, f"twilio:status:{message_sid}:{message_status}", _twilio_expiry(),
                       lambda: tracking.delivery_report(deps, reference, outcome, channel="sms"))


async def inbound_sms(deps: Deps, message_sid: str, sender: str, text: str) -> bool:
    """An SMS to our number; STOP and its synonyms unsubscribe the sender, once per inbound MessageSid."""
    if not tracking.is_stop(text):
        return False
    return await _once(deps, f"twilio:inbound:{message_sid}", _twilio_expiry(),
                       lambda: tracking.inbound_sms(deps, sender, text))


def _twilio_expiry() -> datetime:
    return utcnow() + timedelta(days=TWILIO_RECEIPT_DAYS)


async def _once(deps: Deps, key: str, expires_at: datetime, work: Callable[[], Awaitable[object]]) -> bool:
    """Runs `work` unless this callback was acted on before. Work that fails forgets the callback again (nothing
    changed), so the provider's retry of it is acted on."""
    if not await deps.receipts.claim(key, expires_at, utcnow()):
        return False
    try:
        await work()
    except BaseException:
        await asyncio.shield(deps.receipts.release(key))
        raise
    return True
