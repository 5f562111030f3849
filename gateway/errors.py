"""Every GraphQL error carries a code: service errors keep theirs and their field; the unexpected are masked."""
import re

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from gateway.clients.base import ServiceError

# Strawberry's limiters raise plain errors; their messages are matched to give each limit its own code.
_LIMIT_CODES = [(re.compile(r"exceeds maximum operation depth"), "QUERY_TOO_DEEP"),
                (re.compile(r"aliases found\. Allowed"), "TOO_MANY_ALIASES"),
                (re.compile(r"[Tt]oken limit|tokens", re.I), "QUERY_TOO_LARGE")]

# Service errors the caller should see as they are (everything else from a service is INTERNAL/UNAVAILABLE).
_PASS_THROUGH_STATUS = range(400, 500)


class ErrorCodes(MaskErrors):
    def __init__(self) -> None:
        super().__init__(error_message="Unexpected error.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._with_code(error) for error in errors]

    def _with_code(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, ServiceError):
            code = original.code if original.status in _PASS_THROUGH_STATUS or original.code == "UNAVAILABLE" \
                else "INTERNAL"
            extensions = {"code": code}
            if original.field:
                extensions["field"] = original.field
            if original.details:
                extensions["details"] = original.details
            message = original.message if code != "INTERNAL" else "Unexpected error."
            return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                                path=error.path, extensions=extensions)
        if error.extensions and "code" in error.extensions:
            return error
        if original is None or error.path is None or isinstance(original, GraphQLError):
            # Parse, validation and variable errors: the request itself is wrong.
            code = next((c for pattern, c in _LIMIT_CODES if pattern.search(error.message)),
                        "GRAPHQL_VALIDATION_FAILED")
            return GraphQLError(error.message, nodes=error.nodes, source=error.source, positions=error.positions,
                                path=error.path, extensions={"code": code})
        masked = self.anonymise_error(error)
        masked.extensions = {"code": "INTERNAL"}
        return masked
