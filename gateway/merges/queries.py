"""Query duplicateCustomers(first, after) (permission customers:read)."""
import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from gateway.merges.types import DuplicatePair, DuplicatePairConnection, DuplicateReason
from gateway.pagination import MAX_PAGE, PageInfo


@strawberry.type
class MergeQueries:
    @strawberry.field(description="Likely duplicates: pairs with the same phone, or a similar name and the same "
                                  "postal code; merged and erased customers are left out.")
    async def duplicate_customers(self, info: Info, first: int = 20,
                                  after: str | None = None) -> DuplicatePairConnection:
        if not 1 <= first <= MAX_PAGE:
            raise GraphQLError(f"first must be between 1 and {MAX_PAGE}",
                               extensions={"code": "VALIDATION", "field": "first"})
        page = await info.context.clients.customers.duplicates(first, after)
        nodes = [DuplicatePair(customer_ids=p["customerIds"], reasons=[DuplicateReason(r) for r in p["reasons"]])
                 for p in page["items"]]
        return DuplicatePairConnection(nodes=nodes, page_info=PageInfo(
            has_next_page=page["nextCursor"] is not None, has_previous_page=after is not None, start_cursor=None,
            end_cursor=page["nextCursor"]))
