"""The rules a multipart request (the GraphQL multipart request convention, importCustomers' files) must meet
before the gateway reads it.

- A preflight header: a multipart/form-data POST is a "simple" request a page on any site can make a browser
  send, so, as Apollo and graphql-multipart-request-spec servers do, one of these headers is required, which only
  a script allowed by CORS can add (CSRF protection; callers use bearer tokens anyway, never cookies).
- A declared size within GatewaySettings.max_upload_bytes: Starlette would otherwise spool any size to disk.
"""
import importlib.util

from cross_web import HTTPException

# Starlette parses multipart bodies with python-multipart (a dependency of the gateway); without it a request
# would end in an assertion (a 500).
PARSER_INSTALLED = importlib.util.find_spec("python_multipart") is not None
PREFLIGHT_HEADERS = ("graphql-preflight", "apollo-require-preflight", "x-apollo-operation-name")


def check_multipart(headers, max_bytes: int) -> None:
    if not PARSER_INSTALLED:
        raise HTTPException(415, "multipart uploads are not available on this gateway (python-multipart missing)")
    if not any(headers.get(name) for name in PREFLIGHT_HEADERS):
        raise HTTPException(400, "a multipart request needs the header GraphQL-Preflight: 1 (CSRF protection)")
    length = headers.get("content-length")
    if length is None or not length.isdigit():
        raise HTTPException(411, "a multipart request needs a Content-Length")
    if int(length) > max_bytes:
        raise HTTPException(413, f"the request is larger than {max_bytes} bytes")


async def parse_checked(parse, request, max_bytes: int):
    """Strawberry's multipart parsing after the checks above; an `operations` or `map` of the wrong shape (a list
    for the map, a path into a null) fails inside it with a Python error, here a coded 400."""
    check_multipart(request.headers, max_bytes)
    try:
        return await parse(request)
    except (AttributeError, TypeError, IndexError, KeyError, ValueError) as exc:
        raise HTTPException(400, "the multipart request's operations and map do not fit together") from exc
