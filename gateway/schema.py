"""One graph: every domain's queries, mutations and subscriptions merged; a new domain adds its classes to the
tuples."""
import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, MaxAliasesLimiter, MaxTokensLimiter
from strawberry.tools import merge_types
from strawberry.utils.logging import StrawberryLogger

from gateway.api_keys.mutations import ApiKeyMutations
from gateway.api_keys.queries import ApiKeyQueries
from gateway.audit.extension import AuditTrail
from gateway.audit.queries import AuditQueries
from gateway.campaigns.mutations import CampaignMutations
from gateway.campaigns.queries import CampaignQueries
from gateway.clients.base import ServiceError
from gateway.consents.mutations import ConsentMutations
from gateway.customers.mutations import CustomerMutations
from gateway.customers.queries import CustomerQueries
from gateway.data_export.queries import DataExportQueries
from gateway.data_export.refusals import RefusedExports
from gateway.erasure.mutations import ErasureMutations
from gateway.errors import ErrorCodes
from gateway.imports.mutations import ImportMutations
from gateway.imports.queries import ImportQueries
from gateway.insights.mutations import InsightsMutations
from gateway.insights.queries import InsightsQueries
from gateway.limits import DepthLimiter
from gateway.live.subscriptions import LiveSubscriptions
from gateway.loyalty.mutations import LoyaltyMutations
from gateway.loyalty.queries import LoyaltyQueries
from gateway.merges.mutations import MergeMutations
from gateway.merges.queries import MergeQueries
from gateway.metrics import OperationMetrics
from gateway.metrics_queries.queries import MetricsQueries
from gateway.parse_cache import ParsedOnce
from gateway.request_rules import PassedRules, RequestRules, ValidationCache
from gateway.segments.mutations import SegmentMutations
from gateway.segments.queries import SegmentQueries
from gateway.settings import GatewaySettings

log = logging.getLogger(__name__)

QUERIES: tuple[type, ...] = (
    CustomerQueries,
    LoyaltyQueries,
    CampaignQueries,
    SegmentQueries,
    ApiKeyQueries,
    AuditQueries,
    DataExportQueries,
    ImportQueries,
    MergeQueries,
    InsightsQueries,
    MetricsQueries,
)
MUTATIONS: tuple[type, ...] = (
    CustomerMutations,
    LoyaltyMutations,
    CampaignMutations,
    SegmentMutations,
    ApiKeyMutations,
    ImportMutations,
    ConsentMutations,
    ErasureMutations,
    MergeMutations,
    InsightsMutations,
)

SUBSCRIPTIONS: tuple[type, ...] = (
    LiveSubscriptions,
)


class GatewaySchema(strawberry.Schema):
    """Logs at ERROR only what is the server's fault; a bad query, a refusal or a 4xx from a service is INFO."""

    def process_errors(self, errors: list[GraphQLError], execution_context=None) -> None:
        for error in errors:
            if _server_fault(error):
                StrawberryLogger.error(error, execution_context)
            else:
                log.info("graphql error for the caller", extra={"error": error.message[:300]})


def _server_fault(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    if isinstance(original, ServiceError):
        return original.status >= 500
    return True


def build_schema(settings: GatewaySettings) -> strawberry.Schema:
    validation_cache, passed_rules = ValidationCache(), PassedRules()
    extensions = [
        lambda: DepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParsedOnce(maxsize=256),  # after the token limiter: its limit is part of the cache key
        lambda: RequestRules(settings=settings, cache=validation_cache, passed=passed_rules),
        OperationMetrics,
        AuditTrail,  # listed before ErrorCodes so it sees the coded errors (extensions unwind in reverse)
        RefusedExports,  # the same, for an exportCustomerData refused before it ran (gateway/data_export)
        ErrorCodes,
    ]
    if not settings.introspection_enabled:
        extensions.insert(0, DisableIntrospection)
    return GatewaySchema(query=merge_types("Query", QUERIES), mutation=merge_types("Mutation", MUTATIONS),
                         subscription=merge_types("Subscription", SUBSCRIPTIONS), extensions=extensions)
