"""The one versioned envelope every event travels in, and the registry of typed payloads."""
import uuid
from datetime import datetime, timezone
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

_REGISTRY: dict[tuple[str, int], type["Event"]] = {}


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Event(BaseModel):
    """A typed payload; subclasses set TYPE and VERSION and are registered by them."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)
    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.TYPE:
            _REGISTRY[(cls.TYPE, cls.VERSION)] = cls


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    type: str
    version: int = 1
    occurred_at: datetime = Field(default_factory=_now, alias="occurredAt")
    source: str
    correlation_id: str | None = Field(None, alias="correlationId")
    # The staff member or API key whose request caused the event (shared.actor.Actor.record()); None: the system.
    actor: dict[str, Any] | None = None
    data: dict[str, Any]

    @classmethod
    def wrap(cls, event: Event, *, source: str, correlation_id: str | None = None,
             event_id: str | None = None, actor: dict | None = None) -> "Envelope":
        fields = dict(type=event.TYPE, version=event.VERSION, source=source,
                      correlation_id=correlation_id, actor=actor, data=event.model_dump(mode="json", by_alias=True))
        if event_id:
            fields["id"] = event_id
        return cls(**fields)

    def to_json(self) -> bytes:
        return self.model_dump_json(by_alias=True).encode()


class UnknownEvent(ValueError):
    """No payload model is registered for this type and version."""


def parse_event(envelope: Envelope) -> Event:
    model = _REGISTRY.get((envelope.type, envelope.version))
    if model is None:
        raise UnknownEvent(f"unknown event {envelope.type} v{envelope.version}")
    return model.model_validate(envelope.data)
