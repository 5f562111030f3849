"""AuditTrail: after every mutation operation, one record per mutation field it held, written whether the field
succeeded, failed or was refused before running (a refused attempt is worth knowing about too)."""
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict
from datetime import datetime, timezone

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType
from pymongo.errors import PyMongoError
from strawberry.extensions import SchemaExtension

from gateway.arguments import UnreadableArguments, argument_values
from gateway.audit.records import AuditActor, AuditRecord, safe_input, target_ids

REFUSED_INPUT = {"redacted": "the input named a suppressed (erased) contact"}

log = logging.getLogger(__name__)


class AuditTrail(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        execution = self.execution_context
        operation = _mutation(execution)
        store = getattr(execution.context, "audit", None)
        if operation is None or store is None:
            return
        for record in _records(execution, operation):
            try:
                await store.append(record)
            except PyMongoError as exc:
                # The mutation already happened; the record goes to the log so it is not lost.
                log.error("audit record not stored", extra={"audit": _loggable(record), "error": str(exc)[:200]})


def _mutation(execution) -> OperationDefinitionNode | None:
    document = execution.graphql_document
    if document is None:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    name = execution.operation_name
    chosen = next((o for o in operations if name and o.name and o.name.value == name), None)
    if chosen is None and len(operations) == 1:
        chosen = operations[0]
    return chosen if chosen is not None and chosen.operation == OperationType.MUTATION else None


def _records(execution, operation: OperationDefinitionNode) -> list[AuditRecord]:
    context = execution.context
    result = execution.result
    errors: list[GraphQLError] = list(getattr(result, "errors", None) or execution.pre_execution_errors or [])
    data = getattr(result, "data", None) or {}
    now = datetime.now(timezone.utc)
    records = []
    for node in operation.selection_set.selections:
        if not isinstance(node, FieldNode) or node.name.value.startswith("__"):
            continue
        key = node.alias.value if node.alias else node.name.value
        arguments = _arguments(execution.schema._schema, operation, node, execution.variables)
        outcome, message = _outcome(errors, key)
        records.append(AuditRecord(
            at=now, operation=node.name.value, outcome=outcome, error=message, actor=_actor(context),
            target_ids=target_ids(arguments, data.get(key) if isinstance(data, dict) else None),
            # Refused because the address is an erased person's: keeping it here would store it again.
            input=REFUSED_INPUT if outcome == "SUPPRESSED" else safe_input(arguments),
            operation_name=execution.operation_name,
            ip=getattr(context, "client_ip", None), user_agent=getattr(context, "user_agent", None),
            request_id=getattr(context, "request_id", None)))
    return records


def _arguments(schema, operation: OperationDefinitionNode, node: FieldNode, variables: dict | None) -> dict:
    field = schema.mutation_type.fields.get(node.name.value) if schema.mutation_type else None
    if field is None:
        return {}
    try:
        return argument_values(schema, operation, node, field, variables)
    except UnreadableArguments:  # bad or missing variables: the operation was refused before running
        return {"_unreadable": True}


def _outcome(errors: list[GraphQLError], key: str) -> tuple[str, str | None]:
    """The code of the error on this field, else of an error about the whole operation (validation), else ok."""
    own = [e for e in errors if e.path and e.path[0] == key]
    whole = [e for e in errors if not e.path]
    for error in own or whole:
        return (error.extensions or {}).get("code", "ERROR"), error.message[:300]
    return "ok", None


def _actor(context) -> AuditActor | None:
    caller = getattr(context, "caller", None)
    if caller is None:
        return None
    return AuditActor(subject=caller.subject, role=caller.role.value, via=caller.via, name=caller.name,
                      email=caller.email, api_key_id=caller.api_key_id)


def _loggable(record: AuditRecord) -> dict:
    fields = asdict(record)
    fields["at"] = record.at.isoformat()
    return fields
