"""Loyalty mutations: create/update a program, add points, redeem a reward (the spec's client calls one to one)."""
import strawberry
from strawberry.types import Info

from gateway.inputs import to_json
from gateway.loyalty.inputs import LoyaltyProgramInput, LoyaltyProgramUpdateInput
from gateway.loyalty.programs import LoyaltyProgram
from gateway.loyalty.types import LoyaltyAccount, LoyaltyRedemption


@strawberry.type
class LoyaltyMutations:
    @strawberry.mutation
    async def create_loyalty_program(self, info: Info, input: LoyaltyProgramInput) -> LoyaltyProgram:
        ctx = info.context
        return LoyaltyProgram.from_json(await ctx.clients.loyalty.create_program(to_json(input), ctx.forward_headers))

    @strawberry.mutation
    async def update_loyalty_program(self, info: Info, id: strawberry.ID,
                                     input: LoyaltyProgramUpdateInput) -> LoyaltyProgram:
        ctx = info.context
        return LoyaltyProgram.from_json(await ctx.clients.loyalty.update_program(id, to_json(input),
                                                                                 ctx.forward_headers))

    @strawberry.mutation(description="addLoyaltyPoints(\"customer-id\", 100, \"Purchase bonus\")")
    async def add_loyalty_points(self, info: Info, customer_id: strawberry.ID, points: int,
                                 reason: str) -> LoyaltyAccount:
        ctx = info.context
        result = await ctx.clients.loyalty.add_points(customer_id, {"points": points, "reason": reason},
                                                      ctx.forward_headers)
        return LoyaltyAccount.from_json(result["account"])

    @strawberry.mutation
    async def redeem_loyalty_reward(self, info: Info, customer_id: strawberry.ID, reward_id: strawberry.ID,
                                    request_id: str | None = None) -> LoyaltyRedemption:
        ctx = info.context
        body = {"rewardId": reward_id, **({"requestId": request_id} if request_id else {})}
        return LoyaltyRedemption.from_json(await ctx.clients.loyalty.redeem(customer_id, body, ctx.forward_headers))
