"""What one audit record holds, and how a mutation's arguments are made safe to keep (secrets out, long text cut)."""
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Argument names whose values are never kept. API keys' plaintext only ever leaves the gateway in a result,
# but a future mutation taking a password or token must not land in the log either.
_SECRET_NAMES = re.compile(r"(secret|password|passwd|token|credential|authorization|^key$)", re.I)
# Arguments (at any depth) whose values name what the mutation acts on.
_TARGET_NAMES = {"id", "customerId", "segmentId", "campaignId", "rewardId", "orderId", "programId", "templateId"}
MAX_TEXT = 200
MAX_ITEMS = 50
REDACTED = "[redacted]"


@dataclass(frozen=True)
class AuditActor:
    subject: str
    role: str
    via: str
    name: str | None = None
    email: str | None = None
    api_key_id: str | None = None


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    operation: str  # the mutation field, e.g. addLoyaltyPoints
    outcome: str  # "ok", or the error's code
    actor: AuditActor | None  # None: nobody signed in (the attempt is still recorded)
    target_ids: list[str] = field(default_factory=list)
    input: dict[str, Any] = field(default_factory=dict)
    operation_name: str | None = None  # the client's name for the document, if any
    error: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


def safe_input(value: Any, name: str = "") -> Any:
    """Arguments as kept: secret-named values replaced, long strings and lists cut, nesting kept."""
    if name and _SECRET_NAMES.search(name):
        return REDACTED
    if isinstance(value, dict):
        return {key: safe_input(item, key) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        kept = [safe_input(item) for item in value[:MAX_ITEMS]]
        return kept + [f"... {len(value) - MAX_ITEMS} more"] if len(value) > MAX_ITEMS else kept
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return f"{value[:MAX_TEXT]}... ({len(value)} characters)"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)[:MAX_TEXT]  # enums and other scalars as text


def target_ids(arguments: dict[str, Any], result: Any) -> list[str]:
    """Ids named in the arguments (at any depth) and ids in what the mutation returned (a created customer's id)."""
    found: list[str] = []

    def walk(value: Any, depth: int, from_result: bool) -> None:
        if depth > 3 or len(found) >= MAX_ITEMS:
            return
        if isinstance(value, dict):
            for key, item in value.items():
                if key in _TARGET_NAMES and isinstance(item, (str, int)) and not isinstance(item, bool):
                    text = str(item)[:MAX_TEXT]
                    if text not in found:
                        found.append(text)
                elif isinstance(item, (dict, list)):
                    walk(item, depth + 1, from_result)
        elif isinstance(value, list) and not from_result:
            for item in value[:MAX_ITEMS]:
                walk(item, depth + 1, from_result)

    walk(arguments, 0, False)
    walk(result, 0, True)
    return found
