"""Provider callbacks (public): the email provider's, signed with our HMAC scheme, and Twilio's, signed with
X-Twilio-Signature. The raw body is read first and its signature checked before anything in it is trusted."""
import json
from typing import Annotated, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from services.campaigns.api.deps import DepsDep
from services.campaigns.domain.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, TWILIO_SIGNATURE_HEADER
from services.campaigns.domain.tracking import EMAIL_STATUS_PATH, SMS_INBOUND_PATH, SMS_STATUS_PATH
from services.campaigns.handlers import webhooks
from services.campaigns.handlers.deps import Deps
from shared.errors import AppError, MalformedRequest
from shared.web import ErrorEnvelope

router = APIRouter(tags=["webhooks"])
MAX_BODY = 64 * 1024  # a callback is a few hundred bytes
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
_REFUSED = {401: {"model": ErrorEnvelope, "description": "unsigned, wrongly signed or stale: nothing changed"}}


class TooLarge(AppError):
    code = "TOO_LARGE"
    http_status = 413


class EmailStatusReport(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    reference: str = Field(min_length=1, max_length=200, description="our message id (the mail's "
                                                                      "X-Campaign-Message header)")
    # failed and undelivered are taken as bounces, as before.
    status: Literal["delivered", "bounced", "complained", "failed", "undelivered"]


class TwilioStatusCallback(BaseModel):
    """The fields we use of Twilio's status callback; Twilio sends more, and all of them are signed."""
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    message_sid: str = Field(alias="MessageSid", min_length=1, max_length=64)
    message_status: str = Field(alias="MessageStatus", min_length=1, max_length=32)


class TwilioInboundSms(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    message_sid: str = Field(alias="MessageSid", min_length=1, max_length=64)
    sender: str = Field(alias="From", min_length=3, max_length=64)
    body: str = Field("", alias="Body", max_length=1600)


def _documented(model: type[BaseModel], media_type: str) -> dict:
    """The body is read raw (the signature covers its bytes), so the OpenAPI document gets its shape here."""
    return {"requestBody": {"required": True, "content": {media_type: {"schema": model.model_json_schema()}}}}


async def _raw_body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise TooLarge(f"a callback body may have at most {MAX_BODY} bytes")
    return body


def _validated(model: type[BaseModel], data: object) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:  # answered like any other invalid body (422, the error envelope)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])}
                                      for e in exc.errors(include_url=False, include_context=False)]) from exc


def _form(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedRequest("the body must be form-encoded UTF-8 (application/x-www-form-urlencoded)") from exc


def _called_url(request: Request, deps: Deps) -> str:
    """The public URL the provider called: public_url and the path and query it reached us with."""
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    return deps.links.called(raw_path.decode("latin-1"), request.scope.get("query_string", b"").decode("latin-1"))


@router.post(EMAIL_STATUS_PATH, status_code=204, responses={**_REFUSED, 409: {"model": ErrorEnvelope}},
             openapi_extra=_documented(EmailStatusReport, "application/json"))
async def email_status(request: Request, deps: DepsDep,
                       timestamp: Annotated[str | None, Header(alias=TIMESTAMP_HEADER)] = None,
                       signature: Annotated[str | None, Header(alias=SIGNATURE_HEADER)] = None) -> Response:
    """Delivered, bounced or complained (spam report: unsubscribes from email) for one mail."""
    body = await _raw_body(request)
    callback = webhooks.authenticate_signed(deps, timestamp, signature, body)
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MalformedRequest("request body is not valid JSON") from exc
    report = _validated(EmailStatusReport, data)
    await webhooks.email_status(deps, callback, report.reference, report.status)
    return Response(status_code=204)


@router.post(SMS_STATUS_PATH, status_code=204, responses=_REFUSED,
             openapi_extra=_documented(TwilioStatusCallback, "application/x-www-form-urlencoded"))
async def sms_status(request: Request, deps: DepsDep,
                     ref: Annotated[str, Query(min_length=1, max_length=200, description="our message id")],
                     signature: Annotated[str | None, Header(alias=TWILIO_SIGNATURE_HEADER)] = None) -> Response:
    """Twilio's StatusCallback. A repeated (MessageSid, MessageStatus) is acknowledged and changes nothing."""
    params = _form(await _raw_body(request))
    webhooks.authenticate_twilio(deps, _called_url(request, deps), params, signature)
    report = _validated(TwilioStatusCallback, dict(params))
    await webhooks.sms_status(deps, ref, report.message_sid, report.message_status)
    return Response(status_code=204)


@router.post(SMS_INBOUND_PATH, response_class=Response, responses={
    **_REFUSED, 200: {"description": "empty TwiML: Twilio's opt-out handling replies to STOP itself",
                      "content": {"application/xml": {}}}},
             openapi_extra=_documented(TwilioInboundSms, "application/x-www-form-urlencoded"))
async def inbound_sms(request: Request, deps: DepsDep,
                      signature: Annotated[str | None, Header(alias=TWILIO_SIGNATURE_HEADER)] = None) -> Response:
    """Twilio's incoming-message webhook: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END or QUIT unsubscribes the
    sender's number from SMS."""
    params = _form(await _raw_body(request))
    webhooks.authenticate_twilio(deps, _called_url(request, deps), params, signature)
    sms = _validated(TwilioInboundSms, dict(params))
    await webhooks.inbound_sms(deps, sms.message_sid, sms.sender, sms.body)
    return Response(EMPTY_TWIML, media_type="application/xml")
