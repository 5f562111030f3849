"""One graph: every domain's queries, mutations and subscriptions merged; a new domain adds its classes to the tuples."""
import strawberry
from strawberry.extensions import DisableIntrospection, MaxAliasesLimiter, MaxTokensLimiter
from strawberry.tools import merge_types

from gateway.api_keys.mutations import ApiKeyMutations
from gateway.api_keys.queries import ApiKeyQueries
from gateway.campaigns.mutations import CampaignMutations
from gateway.campaigns.queries import CampaignQueries
from gateway.customers.mutations import CustomerMutations
from gateway.customers.queries import CustomerQueries
from gateway.errors import ErrorCodes
from gateway.limits import DepthLimiter
from gateway.metrics import OperationMetrics
from gateway.live.subscriptions import LiveSubscriptions
from gateway.loyalty.mutations import LoyaltyMutations
from gateway.loyalty.queries import LoyaltyQueries
from gateway.segments.mutations import SegmentMutations
from gateway.segments.queries import SegmentQueries
from gateway.request_rules import RequestRules, ValidationCache
from gateway.settings import GatewaySettings

QUERIES: tuple[type, ...] = (
    CustomerQueries,
    LoyaltyQueries,
    CampaignQueries,
    SegmentQueries,
    ApiKeyQueries,
)
MUTATIONS: tuple[type, ...] = (
    CustomerMutations,
    LoyaltyMutations,
    CampaignMutations,
    SegmentMutations,
    ApiKeyMutations,
)

SUBSCRIPTIONS: tuple[type, ...] = (
    LiveSubscriptions,
)


def build_schema(settings: GatewaySettings) -> strawberry.Schema:
    validation_cache = ValidationCache()
    extensions = [
        lambda: DepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: RequestRules(settings=settings, cache=validation_cache),
        OperationMetrics,
        ErrorCodes,
    ]
    if not settings.introspection:
        extensions.insert(0, DisableIntrospection)
    return strawberry.Schema(query=merge_types("Query", QUERIES), mutation=merge_types("Mutation", MUTATIONS),
                             subscription=merge_types("Subscription", SUBSCRIPTIONS), extensions=extensions)
