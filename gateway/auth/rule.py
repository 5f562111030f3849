"""Checks every field of an operation against the caller's role before anything runs.

Built per request as a validation rule, so queries, mutations and subscriptions (fragments included) are refused
as a whole with a FORBIDDEN or UNAUTHENTICATED error naming the field, and no service is called. A field whose
effect depends on its arguments (a segment bulk action: tags, points, export...) also needs the permission of
what those arguments make it do, read from the literal or the variables.
"""
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, ValidationRule

from gateway.arguments import UnreadableArguments, argument_values
from gateway.auth.caller import Caller
from gateway.auth.policy import argument_permissions, required_permission
from gateway.auth.roles import Permission, allows

SIGN_IN = "sign in first: send 'Authorization: Bearer <token>' (your identity provider's, or an API key)"


def authorization_rule(caller: Caller | None, auth_error: str | None,
                       variables: dict | None = None) -> type[ValidationRule]:
    class Authorization(ValidationRule):
        unauthenticated_reported = False
        operation: OperationDefinitionNode | None = None

        def enter_operation_definition(self, node: OperationDefinitionNode, *_args) -> None:
            self.operation = node

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
            for permission in (needed, *self._by_arguments(coordinate, node)):
                if not allows(caller.role, permission):
                    self.report_error(GraphQLError(
                        f"role {caller.role.value} may not use {coordinate} (needs {permission.value})", node,
                        extensions={"code": "FORBIDDEN", "field": coordinate, "permission": permission.value}))
                    return

        def _by_arguments(self, coordinate: str, node: FieldNode) -> list[Permission]:
            field = self.context.get_field_def()
            if field is None or self.operation is None or coordinate not in argument_permissions():
                return []
            try:
                arguments = argument_values(self.context.schema, self.operation, node, field, variables)
            except UnreadableArguments:
                return []  # bad arguments are refused by validation and variable coercion with their own error
            return argument_permissions()[coordinate](arguments)

    return Authorization
