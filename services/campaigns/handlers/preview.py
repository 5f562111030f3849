"""Previews for a chosen customer and test sends to one address or number; neither is a campaign message."""
import uuid

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from services.campaigns.delivery.errors import DeliveryError
from services.campaigns.domain import rendering
from services.campaigns.domain.records import Campaign
from services.campaigns.domain.template_limits import RenderFailed
from services.campaigns.handlers.compose import compose_email, render_parts
from services.campaigns.handlers.deps import Deps
from services.campaigns.handlers.recipients import recipients_for
from services.campaigns.handlers.render_pool import off_loop
from shared.errors import NotFound, Unavailable, ValidationFailed


async def _recipient(deps: Deps, customer_id: str | None) -> dict:
    if customer_id is None:
        return rendering.SAMPLE
    recipient = (await recipients_for(deps, [customer_id])).get(customer_id)  # just created is not 404
    if recipient is None:
        raise NotFound(f"customer {customer_id} not found", field="customerId")
    return recipient


async def _rendered(deps: Deps, job, *args):
    """A job of the render pool; a template failing for this customer (or past a limit) is a 422 on its field."""
    try:
        return await off_loop(deps.settings, job, *args)
    except RenderFailed as exc:
        raise ValidationFailed(str(exc), field=exc.field) from exc


async def preview(deps: Deps, campaign: Campaign, customer_id: str | None) -> dict:
    return await _rendered(deps, render_parts, campaign, await _recipient(deps, customer_id),
                           deps.settings.sms_opt_out_line)


async def test_send(deps: Deps, campaign: Campaign, to: str, customer_id: str | None) -> dict:
    recipient = await _recipient(deps, customer_id)
    reference = f"test:{uuid.uuid4().hex}"
    try:
        if campaign.type == "email":
            address = _email(to)
            mail = await _rendered(deps, compose_email, campaign, recipient, address, reference, deps.links,
                                   deps.settings.mail_from)
            mail.replace_header("Subject", f"[TEST] {mail['Subject']}")
            answer = await deps.email.send(mail)
        else:
            address = _phone(to)
            text = (await _rendered(deps, render_parts, campaign, recipient, deps.settings.sms_opt_out_line))["text"]
            answer = await deps.sms.send(to=address, text=text, reference=reference)
    except DeliveryError as exc:
        raise Unavailable(f"test send failed: {exc.message}") from exc
    return {"to": address, "status": "sent", "providerAnswer": answer}


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationFailed(f"to: {exc}", field="to") from exc


def _phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed("to must be a phone number in E.164 format, e.g. +14155550123", field="to") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed("to must be a valid phone number in E.164 format", field="to")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
