"""apiKeys: every key, newest first (admins only)."""
import strawberry
from strawberry.types import Info

from gateway.api_keys.types import ApiKey
from gateway.pagination import Connection, page_window


@strawberry.type
class ApiKeyQueries:
    @strawberry.field(description="API keys for integrations, newest first; secrets are never shown.")
    async def api_keys(self, info: Info, first: int = 50, after: str | None = None) -> Connection[ApiKey]:
        limit, offset = page_window(first, after)
        records, total = await info.context.api_keys.page(limit, offset)
        return Connection.from_page([ApiKey.from_record(r) for r in records], offset=offset, total=total)
