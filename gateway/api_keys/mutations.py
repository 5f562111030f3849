"""createApiKey and revokeApiKey (admins only)."""
import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from gateway.api_keys.types import ApiKey, ApiKeyCreated, ApiKeyRole
from gateway.auth.roles import Role

MAX_NAME = 100


@strawberry.type
class ApiKeyMutations:
    @strawberry.mutation(description="Creates a key with a role for an integration; the key is returned once.")
    async def create_api_key(self, info: Info, name: str, role: ApiKeyRole) -> ApiKeyCreated:
        name = name.strip()
        if not 1 <= len(name) <= MAX_NAME:
            raise GraphQLError(f"name must be 1 to {MAX_NAME} characters", extensions={"code": "VALIDATION",
                                                                                       "field": "name"})
        record, key = await info.context.api_keys.create(name, Role(role), info.context.caller.subject)
        return ApiKeyCreated(api_key=ApiKey.from_record(record), key=key)

    @strawberry.mutation(description="Revokes a key: calls made with it are refused from then on.")
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> ApiKey:
        record = await info.context.api_keys.revoke(str(id))
        if record is None:
            raise GraphQLError(f"no API key {id}", extensions={"code": "NOT_FOUND", "field": "id"})
        return ApiKey.from_record(record)
