"""A field's argument values as they will run, from the literal or the request's variables, before execution
(the permission rule and the audit trail read them)."""
from typing import Any

from graphql import FieldNode, GraphQLError, GraphQLField, GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import get_argument_values, get_variable_values


class UnreadableArguments(ValueError):
    """The variables don't fit the operation; execution will refuse them with its own error."""


def argument_values(schema: GraphQLSchema, operation: OperationDefinitionNode, node: FieldNode,
                    field: GraphQLField, variables: dict[str, Any] | None) -> dict[str, Any]:
    coerced = get_variable_values(schema, operation.variable_definitions or [], variables or {})
    if isinstance(coerced, list):
        raise UnreadableArguments("; ".join(error.message for error in coerced))
    try:
        return get_argument_values(field, node, coerced)
    except GraphQLError as exc:
        raise UnreadableArguments(exc.message) from exc
