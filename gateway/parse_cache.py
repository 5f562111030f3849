"""Each query text parsed once: a dashboard sends the same few documents over and over (bench.gateway)."""
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import ParserCache


class ParsedOnce(ParserCache):
    """Strawberry's ParserCache (a bounded LRU keyed by the text and the parse options, e.g. the token limit),
    except that a document that does not parse is left to Strawberry's own parse step: raised here, the error
    would skip the error handling that gives it its code (QUERY_TOO_LARGE, GRAPHQL_VALIDATION_FAILED)."""

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        if execution.query and execution.graphql_document is None:
            try:
                execution.graphql_document = self.cached_parse_document(execution.query, **execution.parse_options)
            except GraphQLError:
                pass  # not cached (lru_cache keeps no exceptions); Strawberry parses it again and reports it
        yield
