"""Roles and the permissions each one grants."""
from enum import Enum


class Role(str, Enum):
    admin = "admin"
    marketer = "marketer"
    support = "support"
    viewer = "viewer"


class Permission(str, Enum):
    customers_read = "customers:read"
    customers_write = "customers:write"
    customers_delete = "customers:delete"
    loyalty_read = "loyalty:read"
    loyalty_points = "loyalty:points"
    loyalty_programs = "loyalty:programs"
    segments_read = "segments:read"
    segments_write = "segments:write"
    campaigns_read = "campaigns:read"
    campaigns_write = "campaigns:write"
    api_keys_manage = "api-keys:manage"


P = Permission
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    # Segments and campaigns, and reading customers to target them.
    Role.marketer: frozenset({P.customers_read, P.loyalty_read, P.segments_read, P.segments_write,
                              P.campaigns_read, P.campaigns_write}),
    # Reads and edits customers and adds points; deletes nothing and sees no campaigns.
    Role.support: frozenset({P.customers_read, P.customers_write, P.loyalty_read, P.loyalty_points,
                             P.segments_read}),
    Role.viewer: frozenset({P.customers_read, P.loyalty_read, P.segments_read, P.campaigns_read}),
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]
