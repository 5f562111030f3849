"""Validation of each operation: the standard rules (cached by query text) and the per-request rules (who may do
what, how much it may cost), before anything runs.

The standard rules and the depth/alias limiters depend only on the document, so their result is cached per query
text; a dashboard sends the same few queries over and over. The caller's permissions and the cost (which reads the
variables) are checked on every request.
"""
import json
from collections import OrderedDict
from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from gateway.auth.rule import authorization_rule
from gateway.limits import cost_rule
from gateway.settings import GatewaySettings


class ValidationCache:
    """Standard validation errors by query text; bounded so unique query texts can't grow memory without end."""

    def __init__(self, maxsize: int = 256):
        self.maxsize = maxsize
        self._errors: OrderedDict[str, list[GraphQLError]] = OrderedDict()

    def errors(self, execution) -> list[GraphQLError]:
        key = execution.query
        if key is None:  # a pre-parsed document: nothing to key on
            return validate_document(execution.schema._schema, execution.graphql_document,
                                     execution.validation_rules)
        if key in self._errors:
            self._errors.move_to_end(key)
            return self._errors[key]
        errors = validate_document(execution.schema._schema, execution.graphql_document, execution.validation_rules)
        self._errors[key] = errors
        if len(self._errors) > self.maxsize:
            self._errors.popitem(last=False)
        return errors


class PassedRules:
    """Which (query text, role, variables) passed the per-request rules, so a page a dashboard polls is not walked
    again on every request. Only passes are kept (a refusal is worked out anew, with fresh errors); bounded LRU."""

    MAX_KEY_CHARS = 16_384

    def __init__(self, maxsize: int = 1024):
        self.maxsize = maxsize
        self._passed: OrderedDict[tuple, None] = OrderedDict()

    @staticmethod
    def key(execution) -> tuple | None:
        caller = getattr(execution.context, "caller", None)
        try:
            variables = json.dumps(execution.variables, sort_keys=True) if execution.variables else ""
        except (TypeError, ValueError):
            return None  # variables that don't serialise (an upload): not cached
        if len(variables) + len(execution.query or "") > PassedRules.MAX_KEY_CHARS:
            return None  # a bulk mutation's input: seldom repeated, and 1,024 of them would hold a lot of memory
        return (execution.query, getattr(execution, "_provided_operation_name", None),
                caller.role.value if caller else None, variables)

    def passed(self, key: tuple | None) -> bool:
        if key is None or key not in self._passed:
            return False
        self._passed.move_to_end(key)
        return True

    def remember(self, key: tuple | None) -> None:
        if key is None:
            return
        self._passed[key] = None
        if len(self._passed) > self.maxsize:
            self._passed.popitem(last=False)


def _operation_name_errors(execution) -> list[GraphQLError]:
    """The spec asks for operationName when a document holds several operations; Strawberry would run the first."""
    operations = [d for d in execution.graphql_document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) > 1 and not execution._provided_operation_name:  # operation_name falls back to the first
        return [GraphQLError("the document holds several operations: say which to run in operationName",
                             extensions={"code": "GRAPHQL_VALIDATION_FAILED", "field": "operationName"})]
    return []


class RequestRules(SchemaExtension):
    def __init__(self, *, settings: GatewaySettings, cache: ValidationCache, passed: PassedRules | None = None):
        self.settings = settings
        self.cache = cache
        self.passed = passed or PassedRules()

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        errors = list(self.cache.errors(execution)) or _operation_name_errors(execution)
        key = None if errors or execution.query is None else PassedRules.key(execution)
        if not errors and not self.passed.passed(key):
            # Who may do what depends only on the caller's role, the cost only on the document and variables.
            context = execution.context
            errors = validate(execution.schema._schema, execution.graphql_document, [
                authorization_rule(getattr(context, "caller", None), getattr(context, "auth_error", None),
                                   execution.variables),
                cost_rule(self.settings.max_query_cost, self.settings.max_page_size, execution.variables),
            ])
            if not errors:
                self.passed.remember(key)
        # Set, even empty, so Strawberry does not validate the document a second time.
        execution.pre_execution_errors = errors
        yield
