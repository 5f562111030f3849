"""Loyalty queries: loyaltyPrograms (a connection), loyaltyProgram(id) with its analytics, rewardCode(code)."""
import strawberry
from strawberry.types import Info

from gateway.loyalty.programs import LoyaltyProgram
from gateway.loyalty.types import RewardCode
from gateway.pagination import Connection, page_window


@strawberry.type
class LoyaltyQueries:
    @strawberry.field
    async def loyalty_programs(self, info: Info, first: int = 20,
                               after: str | None = None) -> Connection[LoyaltyProgram]:
        limit, offset = page_window(first, after)
        page = await info.context.clients.loyalty.list_programs(limit, offset)
        return Connection.from_page(page.items, offset=offset, total=page.total)

    @strawberry.field
    async def loyalty_program(self, info: Info, id: strawberry.ID) -> LoyaltyProgram:
        return await info.context.clients.loyalty.get_program(id)

    @strawberry.field(description="A reward code as the storefront sees it at checkout; "
                                  "unknown: NOT_FOUND (field code).")
    async def reward_code(self, info: Info, code: str) -> RewardCode:
        return await info.context.clients.loyalty.reward_code(code)
