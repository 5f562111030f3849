"""Checks every field of an operation against the caller's role before anything runs.

Built per request as a validation rule, so queries, mutations and subscriptions (fragments included) are refused
as a whole with a FORBIDDEN or UNAUTHENTICATED error naming the field, and no service is called.
"""
from graphql import FieldNode, GraphQLError, ValidationRule

from gateway.auth.caller import Caller
from gateway.auth.policy import required_permission
from gateway.auth.roles import allows

SIGN_IN = "sign in first: send 'Authorization: Bearer <token>' (python -m gateway.auth token) or an API key"


def authorization_rule(caller: Caller | None, auth_error: str | None) -> type[ValidationRule]:
    class Authorization(ValidationRule):
        unauthenticated_reported = False

        def enter_field(self, node: FieldNode, *_args) -> None:
            parent = self.context.get_parent_type()
            name = node.name.value
            if parent is None or name.startswith("__"):
                return  # unknown fields are reported by graphql's own rules; introspection is public
            needed = required_permission(parent.name, name)
            if needed is None:
                return
            coordinate = f"{parent.name}.{name}"
            if caller is None:
                if not self.unauthenticated_reported:
                    self.unauthenticated_reported = True
                    self.report_error(GraphQLError(auth_error or SIGN_IN, node, extensions={
                        "code": "UNAUTHENTICATED", "field": coordinate}))
                return
            if not allows(caller.role, needed):
                self.report_error(GraphQLError(
                    f"role {caller.role.value} may not use {coordinate} (needs {needed.value})", node,
                    extensions={"code": "FORBIDDEN", "field": coordinate, "permission": needed.value}))

    return Authorization
