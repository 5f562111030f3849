"""The /graphql view's own refusals as GraphQL errors with a code, and request bodies that can't crash it.

Strawberry answers a body it can't use with a plain-text 400, and a JSON body that is valid but no object (a string,
a number, null), undecodable bytes or a very deep array reach code that fails with a 500. Here each is a 4xx
`{"errors": [{"message", "extensions": {"code"}}]}`, and any error that reaches the answer without a code (one
raised before the schema's extensions could see it) gets one, its text masked unless it is a GraphQL error.
"""
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse

_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "TOO_LARGE",
          415: "UNSUPPORTED_MEDIA_TYPE"}
NOT_JSON = "Unable to parse request body as JSON"


def coded_refusal(status: int, message: str) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": message,
                                                   "extensions": {"code": _CODES.get(status, "BAD_REQUEST")}}]},
                        status_code=status)


def _with_code(error: GraphQLError) -> GraphQLError:
    if (error.extensions or {}).get("code"):
        return error
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return GraphQLError(error.message, nodes=error.nodes, source=error.source, positions=error.positions,
                            path=error.path, extensions={**(error.extensions or {}),
                                                         "code": "GRAPHQL_VALIDATION_FAILED"})
    return GraphQLError("Unexpected error.", nodes=error.nodes, path=error.path, extensions={"code": "INTERNAL"})


class CodedErrorsView:
    """Mixin for strawberry.asgi.GraphQL (put it first among the bases)."""

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:
            response = coded_refusal(exc.status_code, exc.reason)
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> object:
        """Request bodies and GET parameters (WebSocket messages go through decode_json, untouched)."""
        try:
            decoded = super().parse_json(data)
        except (ValueError, RecursionError) as exc:  # bytes that aren't UTF-8; nesting past the parser's stack
            raise HTTPException(400, NOT_JSON) from exc
        items = decoded if isinstance(decoded, list) else [decoded]
        if not all(isinstance(item, dict) for item in items):
            raise HTTPException(400, "expected a JSON object (or, for a batch, a list of objects)")
        return decoded

    async def process_result(self, request, result):
        if result.errors:
            result.errors = [_with_code(error) for error in result.errors]
        return await super().process_result(request, result)
