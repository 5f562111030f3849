"""An API key as the graph shows it: never its secret, except once in the creation payload."""
from datetime import datetime

import strawberry

from gateway.auth.roles import Role

ApiKeyRole = strawberry.enum(Role, name="ApiKeyRole")


@strawberry.type
class ApiKey:
    id: strawberry.ID
    name: str
    role: ApiKeyRole
    created_by: str
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def from_record(cls, record: dict) -> "ApiKey":
        return cls(id=record["_id"], name=record["name"], role=Role(record["role"]), created_by=record["createdBy"],
                   created_at=record["createdAt"], revoked_at=record.get("revokedAt"))


@strawberry.type
class ApiKeyCreated:
    api_key: ApiKey
    key: str = strawberry.field(description="The key itself (cmsk_...). Shown only now; only its hash is kept.")
