"""Which permission each field needs. Every root field must be listed: a test fails for one that is not,
and an unlisted one is refused at run time (fail closed)."""
from collections.abc import Callable
from enum import Enum

from gateway.auth.roles import BULK_ACTION_PERMISSIONS
from gateway.auth.roles import Permission as P

ROOT_TYPES = {"Query", "Mutation", "Subscription"}

FIELDS: dict[str, P] = {
    # customers
    "Query.customers": P.customers_read,
    "Query.customer": P.customers_read,
    "Query.customerStats": P.customers_read,
    "Query.customerInsightsModel": P.customers_read,  # the insights fit (gateway/insights)
    "Mutation.refitCustomerInsights": P.customers_write,  # refit + rescore everyone now; changes no customer data
    "Query.customerCohorts": P.customers_read,  # the dashboard's metrics (gateway/metrics_queries)
    "Query.activity": P.customers_read,  # the shop-wide activity feed
    "Query.exportCustomerData": P.customers_personal_data,  # one person's whole data; audited (data_export)
    "Mutation.createCustomer": P.customers_write,
    "Mutation.updateCustomer": P.customers_write,
    "Mutation.deleteCustomer": P.customers_delete,
    "Mutation.eraseCustomer": P.customers_delete,  # erasure (gateway/erasure); deleteCustomer erases as well
    "Mutation.recordOrder": P.customers_write,
    "Mutation.changeOrderStatus": P.customers_write,
    "Mutation.recordOrders": P.customers_write,
    "Mutation.returnOrderItems": P.customers_write,
    "Mutation.recordInteraction": P.customers_write,
    # merging duplicates (gateway/merges)
    "Mutation.mergeCustomers": P.customers_merge,
    "Query.duplicateCustomers": P.customers_read,
    # CSV import and export of customer lists (gateway/imports)
    "Mutation.importCustomers": P.customers_import,
    "Query.customerImport": P.customers_import,
    "Mutation.exportCustomers": P.customers_export,
    "Query.customerExport": P.customers_export,
    "Mutation.recordConsent": P.customers_write,  # the consent ledger (gateway/consents)
    # loyalty
    "Query.loyaltyPrograms": P.loyalty_read,
    "Query.loyaltyProgram": P.loyalty_read,
    "Mutation.createLoyaltyProgram": P.loyalty_programs,
    "Mutation.updateLoyaltyProgram": P.loyalty_programs,
    "Mutation.addLoyaltyPoints": P.loyalty_points,
    "Mutation.redeemLoyaltyReward": P.loyalty_points,
    "Mutation.deductLoyaltyPoints": P.loyalty_points,
    # reward codes at checkout: looking one up or asking whether it is valid changes nothing
    "Query.rewardCode": P.loyalty_read,
    "Mutation.validateRewardCode": P.loyalty_read,
    "Mutation.consumeRewardCode": P.loyalty_points,
    "Mutation.voidRewardCode": P.loyalty_points,
    # segments
    "Query.segments": P.segments_read,
    "Query.segment": P.segments_read,
    "Query.segmentJob": P.segments_read,
    "Query.previewSegment": P.segments_read,
    "Query.previewSegmentChange": P.segments_read,  # who would join and leave on an edit; saves nothing
    "Segment.explain": P.segments_read,  # one customer's values, clause by clause
    "Segment.changes": P.segments_read,  # membership history
    "Mutation.createSegment": P.segments_write,
    "Mutation.updateSegment": P.segments_write,
    "Mutation.deleteSegment": P.segments_write,
    "Mutation.startSegmentBulkAction": P.segments_write,
    # campaigns
    "Query.campaigns": P.campaigns_read,
    "Query.campaign": P.campaigns_read,
    "Query.campaignTemplates": P.campaigns_read,
    "Query.campaignTemplate": P.campaigns_read,
    "Mutation.createCampaign": P.campaigns_write,
    "Mutation.updateCampaign": P.campaigns_write,
    "Mutation.deleteCampaign": P.campaigns_write,
    "Mutation.sendCampaign": P.campaigns_write,
    "Mutation.scheduleCampaign": P.campaigns_write,
    "Mutation.cancelCampaign": P.campaigns_write,
    "Mutation.createCampaignTemplate": P.campaigns_write,
    "Mutation.updateCampaignTemplate": P.campaigns_write,
    "Mutation.deleteCampaignTemplate": P.campaigns_write,
    # live updates
    "Subscription.customerActivity": P.customers_read,
    "Subscription.segmentCounts": P.segments_read,
    # API keys for integrations
    "Query.apiKeys": P.api_keys_manage,
    "Mutation.createApiKey": P.api_keys_manage,
    "Mutation.revokeApiKey": P.api_keys_manage,
    # the audit trail
    "Query.auditLog": P.audit_read,
    # cross-service fields on a customer
    "Customer.loyalty": P.loyalty_read,
    "Customer.messages": P.campaigns_read,
    "Customer.consents": P.customers_read,  # proof of consent: IP addresses and user agents
}


def required_permission(type_name: str, field_name: str) -> P | None:
    """None: no check (an ordinary nested field). A root field missing from FIELDS needs api-keys:manage,
    which only admins hold."""
    coordinate = f"{type_name}.{field_name}"
    if coordinate in FIELDS:
        return FIELDS[coordinate]
    if type_name in ROOT_TYPES and not field_name.startswith("__"):
        return P.api_keys_manage
    return None


def _bulk_action(arguments: dict) -> list[P]:
    """startSegmentBulkAction needs segments:write and the permission of the action it runs."""
    action = (arguments.get("input") or {}).get("action")
    action = action.value if isinstance(action, Enum) else action
    return [BULK_ACTION_PERMISSIONS[action]] if action in BULK_ACTION_PERMISSIONS else []


def argument_permissions() -> dict[str, Callable[[dict], list[P]]]:
    """Fields whose arguments decide what they do, and the extra permissions those arguments need."""
    return {"Mutation.startSegmentBulkAction": _bulk_action}
