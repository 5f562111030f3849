"""Checks every field against the policy before it resolves; a denial is a FORBIDDEN error naming the field."""
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.auth.policy import required_permission
from gateway.auth.roles import allows


class Authorization(SchemaExtension):
    def resolve(self, _next, root, info, *args, **kwargs):
        permission = required_permission(info.parent_type.name, info.field_name)
        if permission is not None:
            caller = info.context.caller
            if caller is None:
                raise GraphQLError("authentication required: send Authorization: Bearer <token> or X-API-Key",
                                   extensions={"code": "UNAUTHENTICATED"})
            if not allows(caller.role, permission):
                raise GraphQLError(f"the {caller.role.value} role may not use {info.field_name}",
                                   extensions={"code": "FORBIDDEN", "field": info.field_name,
                                               "required": permission.value})
        return _next(root, info, *args, **kwargs)
