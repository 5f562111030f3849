"""Loyalty mutations: programs, adding and deducting points, redeeming, and reward codes at checkout."""
import strawberry
from strawberry.types import Info

from gateway.inputs import to_json
from gateway.loyalty.inputs import LoyaltyProgramInput, LoyaltyProgramUpdateInput
from gateway.loyalty.programs import LoyaltyProgram
from gateway.loyalty.types import LoyaltyAccount, LoyaltyRedemption, RewardCode, RewardCodeValidation


@strawberry.type
class LoyaltyMutations:
    @strawberry.mutation
    async def create_loyalty_program(self, info: Info, input: LoyaltyProgramInput) -> LoyaltyProgram:
        ctx = info.context
        return await ctx.clients.loyalty.create_program(to_json(input), ctx.forward_headers)

    @strawberry.mutation
    async def update_loyalty_program(self, info: Info, id: strawberry.ID,
                                     input: LoyaltyProgramUpdateInput) -> LoyaltyProgram:
        ctx = info.context
        return await ctx.clients.loyalty.update_program(id, to_json(input), ctx.forward_headers)

    @strawberry.mutation(description="addLoyaltyPoints(\"customer-id\", 100, \"Purchase bonus\")")
    async def add_loyalty_points(self, info: Info, customer_id: strawberry.ID, points: int,
                                 reason: str) -> LoyaltyAccount:
        ctx = info.context
        return await ctx.clients.loyalty.add_points(customer_id, {"points": points, "reason": reason},
                                                    ctx.forward_headers)

    @strawberry.mutation
    async def redeem_loyalty_reward(self, info: Info, customer_id: strawberry.ID, reward_id: strawberry.ID,
                                    request_id: str | None = None) -> LoyaltyRedemption:
        ctx = info.context
        body = {"rewardId": reward_id, **({"requestId": request_id} if request_id else {})}
        return await ctx.clients.loyalty.redeem(customer_id, body, ctx.forward_headers)

    @strawberry.mutation(description="Takes points off the balance with a reason (never below zero: "
                                     "INSUFFICIENT_POINTS, field points); the tier stays.")
    async def deduct_loyalty_points(self, info: Info, customer_id: strawberry.ID, points: int,
                                    reason: str) -> LoyaltyAccount:
        ctx = info.context
        return await ctx.clients.loyalty.deduct_points(customer_id, {"points": points, "reason": reason},
                                                       ctx.forward_headers)

    @strawberry.mutation(description="Whether a code can pay for this order now, and why not; changes nothing.")
    async def validate_reward_code(self, info: Info, code: str, customer_id: strawberry.ID | None = None,
                                   order_total: float | None = None) -> RewardCodeValidation:
        body = {k: v for k, v in {"customerId": customer_id, "orderTotal": order_total}.items() if v is not None}
        return await info.context.clients.loyalty.validate_code(code, body)

    @strawberry.mutation(description="Uses a code for an order, once: the same order again answers the same, "
                                     "another order is CONFLICT (field code).")
    async def consume_reward_code(self, info: Info, code: str, order_id: strawberry.ID,
                                  customer_id: strawberry.ID | None = None) -> RewardCode:
        ctx = info.context
        body = {"orderId": order_id, **({"customerId": customer_id} if customer_id is not None else {})}
        return await ctx.clients.loyalty.consume_code(code, body, ctx.forward_headers)

    @strawberry.mutation(description="Voids an issued code: its points (and stock) go back; a consumed code can't.")
    async def void_reward_code(self, info: Info, code: str, reason: str) -> RewardCode:
        ctx = info.context
        return await ctx.clients.loyalty.void_code(code, {"reason": reason}, ctx.forward_headers)
