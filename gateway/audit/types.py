"""The audit trail and the staff member behind a change, as the graph shows them."""
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from gateway.audit.records import AuditRecord as AuditRecordData


@strawberry.type(description="Who made a change: a staff member signed in through the identity provider or with a "
                             "development token, or an integration's API key.")
class Actor:
    subject: str
    role: str | None = None
    name: str | None = None
    email: str | None = None
    api_key_id: str | None = None
    via: str | None = strawberry.field(default=None, description="oidc, token or api-key")

    @classmethod
    def from_json(cls, data: dict | None) -> "Actor | None":
        if not data or not data.get("subject"):
            return None
        return cls(subject=data["subject"], role=data.get("role"), name=data.get("name"), email=data.get("email"),
                   api_key_id=data.get("apiKeyId"), via=data.get("via"))


@strawberry.type
class AuditRecord:
    id: strawberry.ID
    at: datetime
    operation: str = strawberry.field(description="the mutation, e.g. addLoyaltyPoints")
    outcome: str = strawberry.field(description="ok, or the error code (FORBIDDEN, VALIDATION, NOT_FOUND...)")
    error: str | None
    actor: Actor | None = strawberry.field(description="null: nobody was signed in")
    target_ids: list[str]
    input: JSON = strawberry.field(description="the arguments, secrets removed and long text cut")
    operation_name: str | None
    ip: str | None
    user_agent: str | None
    request_id: str | None

    @classmethod
    def from_record(cls, record: AuditRecordData) -> "AuditRecord":
        actor = record.actor
        return cls(id=record.id, at=record.at, operation=record.operation, outcome=record.outcome,
                   error=record.error, target_ids=record.target_ids, input=record.input,
                   operation_name=record.operation_name, ip=record.ip, user_agent=record.user_agent,
                   request_id=record.request_id,
                   actor=Actor(subject=actor.subject, role=actor.role, name=actor.name, email=actor.email,
                               api_key_id=actor.api_key_id, via=actor.via) if actor else None)


@strawberry.input
class AuditFilter:
    actor: str | None = strawberry.field(default=None, description="a subject, email or name")
    target_id: str | None = None
    operation: str | None = None
    from_: datetime | None = strawberry.field(default=None, name="from")
    to: datetime | None = None
