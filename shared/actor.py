"""The staff member (or API key) on whose behalf a request runs, carried from the gateway into every service call
and every event it causes, so ledgers, timelines and audit records can name them.

The gateway sends it as `X-Actor` (base64url JSON; names may hold any character, header values may not). Services
trust the header only because every non-public route already requires the internal token. Inside a process the
actor lives in a context variable, like the correlation id: set by the request middleware, by the consumer for
each event, and by job workers from the job they run.
"""
import base64
import binascii
import json
from contextvars import ContextVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ACTOR_HEADER = "x-actor"


class Actor(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    subject: str = Field(max_length=300)
    role: str | None = Field(None, max_length=50)
    name: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=300)
    api_key_id: str | None = Field(None, alias="apiKeyId", max_length=100)
    via: str | None = Field(None, max_length=20)

    def record(self) -> dict:
        """As stored beside a ledger entry, timeline entry or job."""
        return self.model_dump(by_alias=True, exclude_none=True)

    def header_value(self) -> str:
        return base64.urlsafe_b64encode(json.dumps(self.record(), separators=(",", ":")).encode()).decode()


class MalformedActor(ValueError):
    """The X-Actor header is not base64url JSON describing an actor."""


def actor_from_header(value: str | None) -> Actor | None:
    if not value:
        return None
    try:
        return Actor.model_validate(json.loads(base64.urlsafe_b64decode(value.encode())))
    except (binascii.Error, ValueError, ValidationError, UnicodeError) as exc:
        raise MalformedActor("X-Actor must be base64url JSON with at least a subject") from exc


def actor_from_record(record: dict | None) -> Actor | None:
    """Back from what record() stored (a job's or an event's actor); None when there is none or it is unreadable."""
    if not record:
        return None
    try:
        return Actor.model_validate(record)
    except ValidationError:
        return None


current_actor: ContextVar[Actor | None] = ContextVar("current_actor", default=None)


def actor_headers() -> dict[str, str]:
    """For a call to another service made while handling a request, event or job: passes its actor on."""
    actor = current_actor.get()
    return {ACTOR_HEADER: actor.header_value()} if actor else {}


def actor_record() -> dict | None:
    """The current actor as stored beside what it caused, or None (the system itself: jobs, storefront events)."""
    actor = current_actor.get()
    return actor.record() if actor else None


def install_actor(app) -> None:
    """Each request runs with the actor the gateway named (none: a system caller such as another service's job)."""
    from shared.web import error_response  # shared.web imports FastAPI; this module stays importable without it

    @app.middleware("http")
    async def actor_context(request, call_next):
        try:
            actor = actor_from_header(request.headers.get(ACTOR_HEADER))
        except MalformedActor as exc:
            return error_response(400, "MALFORMED_REQUEST", str(exc), field="X-Actor")
        token = current_actor.set(actor)
        try:
            return await call_next(request)
        finally:
            current_actor.reset(token)
