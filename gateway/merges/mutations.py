"""Mutation mergeCustomers(keepId, mergeId) (permission customers:merge)."""
import strawberry
from strawberry.types import Info

from gateway.merges.types import CustomerMerge


@strawberry.type
class MergeMutations:
    @strawberry.mutation(description="Folds mergeId into keepId: orders, timeline, consents, segment memberships, "
                                     "messages and loyalty points move to keepId; totals and tier are recomputed. "
                                     "mergeId then answers with mergedInto. Refused: the same id twice "
                                     "(VALIDATION), an unknown id (NOT_FOUND), an id merged already "
                                     "(ALREADY_MERGED) or erased (CUSTOMER_ERASED); field names the side.")
    async def merge_customers(self, info: Info, keep_id: strawberry.ID, merge_id: strawberry.ID) -> CustomerMerge:
        ctx = info.context
        return CustomerMerge.from_json(await ctx.clients.customers.merge(keep_id, merge_id, ctx.forward_headers))
