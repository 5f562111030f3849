"""One graph: every domain's queries and mutations merged."""
import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types

from gateway.customers.mutations import CustomerMutations
from gateway.customers.queries import CustomerQueries
from gateway.errors import ErrorCodes
from gateway.settings import GatewaySettings

Query = merge_types("Query", (CustomerQueries,))
Mutation = merge_types("Mutation", (CustomerMutations,))


def build_schema(settings: GatewaySettings) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
            lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            ErrorCodes,
        ],
    )
