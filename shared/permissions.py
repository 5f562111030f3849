"""Staff roles and the permissions each grants: one table the gateway enforces on every operation and the services
check again where an action could be reached another way (a bulk job doing what its action does)."""
from enum import Enum


class Role(str, Enum):
    admin = "admin"
    marketer = "marketer"
    support = "support"
    viewer = "viewer"


class Permission(str, Enum):
    customers_read = "customers:read"
    customers_write = "customers:write"
    customers_delete = "customers:delete"  # deleting and erasing a customer (both erase: docs/data-rights.md)
    customers_personal_data = "customers:personal-data"  # one person's full export (a data subject request)
    customers_import = "customers:import"
    customers_export = "customers:export"  # lists of customers as CSV
    customers_merge = "customers:merge"
    loyalty_read = "loyalty:read"
    loyalty_points = "loyalty:points"
    loyalty_programs = "loyalty:programs"
    segments_read = "segments:read"
    segments_write = "segments:write"
    campaigns_read = "campaigns:read"
    campaigns_write = "campaigns:write"
    api_keys_manage = "api-keys:manage"
    audit_read = "audit:read"


P = Permission
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    # Segments and campaigns, and reading customers to target them.
    Role.marketer: frozenset({P.customers_read, P.customers_export, P.loyalty_read, P.segments_read,
                              P.segments_write, P.campaigns_read, P.campaigns_write}),
    # Reads and edits customers, answers a person's data request, merges duplicates and adds points; deletes
    # nothing, imports nothing and sees no campaigns.
    Role.support: frozenset({P.customers_read, P.customers_write, P.customers_personal_data, P.customers_merge,
                             P.loyalty_read, P.loyalty_points, P.segments_read}),
    Role.viewer: frozenset({P.customers_read, P.loyalty_read, P.segments_read, P.campaigns_read}),
}

# What a segment bulk action does, and so the permission it needs besides segments:write (which starts any job).
BULK_ACTION_PERMISSIONS: dict[str, Permission] = {
    "add_tags": P.customers_write,
    "remove_tags": P.customers_write,
    "set_status": P.customers_write,
    "export_csv": P.customers_read,
    "award_points": P.loyalty_points,
    "target_campaign": P.campaigns_write,
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]


def bulk_action_allowed(role_name: str | None, action: str) -> bool:
    """Whether a role (as an actor record names it) may run this segment bulk action; unknown roles may not."""
    try:
        role = Role(role_name)
    except ValueError:
        return False
    needed = BULK_ACTION_PERMISSIONS.get(action)
    return allows(role, Permission.segments_write) and (needed is None or allows(role, needed))
