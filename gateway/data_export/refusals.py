"""RefusedExports: records an exportCustomerData the graph refused before running it (no sign-in, or a role without
customers:personal-data). Every export that runs is recorded by the action itself (export.py); a refused one never
reaches it, and an attempt at a person's data is worth knowing about, as the download route records its refusals.
"""
from collections.abc import AsyncIterator

from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from gateway.arguments import UnreadableArguments, argument_values
from gateway.data_export.export import OPERATION, record_attempt

COORDINATE = f"Query.{OPERATION}"


class RefusedExports(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        execution = self.execution_context
        refusals = [e for e in execution.pre_execution_errors or []
                    if (e.extensions or {}).get("field") == COORDINATE and e.nodes]
        for error in refusals:
            await record_attempt(execution.context, _customer_id(execution, error), "graphql",
                                 (error.extensions or {}).get("code", "ERROR"), error.message)


def _customer_id(execution, error: GraphQLError) -> str:
    """The customerId the refused field named (literal or variable); "" when it can't be read."""
    node = error.nodes[0]
    schema = execution.schema._schema
    operations = [d for d in execution.graphql_document.definitions if isinstance(d, OperationDefinitionNode)]
    name = execution.operation_name
    operation = next((o for o in operations if name and o.name and o.name.value == name),
                     operations[0] if len(operations) == 1 else None)
    field = schema.query_type.fields.get(OPERATION) if schema.query_type else None
    if not isinstance(node, FieldNode) or operation is None or field is None:
        return ""
    try:
        return str(argument_values(schema, operation, node, field, execution.variables).get("customerId", ""))
    except UnreadableArguments:
        return ""
