"""What a response body must never show a caller: tracebacks, Python exception text, object reprs."""
import re

_ALWAYS = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+|<class '| object at 0x[0-9a-f]+")
# Exception names and library modules: only where a body has no reason to echo the caller's own data.
_IN_ERRORS = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception)\b|\b(?:pymongo|bson|pydantic_core|strawberry)\.")


def leaked_internals(text: str, *, echoes_input: bool = False) -> str | None:
    """The first leak found in `text`, or None. `echoes_input`: a success body, which may hold any stored string."""
    match = _ALWAYS.search(text) or (None if echoes_input else _IN_ERRORS.search(text))
    return match.group(0) if match else None
