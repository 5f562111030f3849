"""Roles and the permissions each one grants (the table lives in shared/permissions.py, which services check too)."""
from shared.permissions import BULK_ACTION_PERMISSIONS, GRANTS, Permission, Role, allows

__all__ = ["BULK_ACTION_PERMISSIONS", "GRANTS", "Permission", "Role", "allows"]
