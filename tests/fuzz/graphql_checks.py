"""What every gateway answer must be, however hostile the request: no 5xx, no internals, coded errors."""
import httpx

from tests.fuzz.leaks import leaked_internals


def errors_of(response: httpx.Response, *, echoes_input: bool = False) -> list[dict]:
    """Checks the answer and returns its GraphQL errors (empty when it succeeded).

    `echoes_input`: the request carried generated text that the answer may rightly repeat (stored, or quoted in
    a validation message), so only tracebacks and reprs count as leaks, not exception-like words.
    """
    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    leak = leaked_internals(response.text, echoes_input=echoes_input)
    assert leak is None, f"answer shows internals ({leak!r}): {response.text[:500]}"
    assert response.headers.get("content-type", "").startswith("application/json"), \
        f"{response.status_code} {response.headers.get('content-type')}: {response.text[:300]}"
    body = response.json()
    results = body if isinstance(body, list) else [body]  # a batch answers with one result per operation
    errors = [error for result in results for error in (result.get("errors") or [])]
    for error in errors:
        assert isinstance(error.get("message"), str), error
        assert (error.get("extensions") or {}).get("code"), f"error without extensions.code: {error}"
    return errors


def rejected(response: httpx.Response) -> list[dict]:
    """The answer is a refusal: at least one coded error and no data."""
    errors = errors_of(response)
    assert errors, f"accepted: {response.text[:500]}"
    body = response.json()
    if isinstance(body, dict):
        assert body.get("data") is None, body
    return errors


async def each_case(cases, send, check) -> None:
    """Sends every case and checks its answer; reports all the cases that failed at once, not just the first.

    An exception out of `send` is the app failing (the in-process transport re-raises what ended in a 500).
    """
    failures = []
    for case in cases:
        try:
            check(await send(case))
        except Exception as exc:
            failures.append(f"{str(case)[:100]!r}: {type(exc).__name__}: {str(exc)[:400]}")
    assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)
