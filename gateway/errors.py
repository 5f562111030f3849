"""Every GraphQL error carries a code: service errors keep theirs and their field; the unexpected are masked."""
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from gateway.clients.base import ServiceError

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
            return GraphQLError(error.message, nodes=error.nodes, source=error.source, positions=error.positions,
                                path=error.path, extensions={"code": "GRAPHQL_VALIDATION_FAILED"})
        masked = self.anonymise_error(error)
        masked.extensions = {"code": "INTERNAL"}
        return masked
