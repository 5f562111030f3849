"""Typed records the campaigns stores take and return instead of raw documents and update dicts."""
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Settlement:
    """A claimed message's outcome as the message store records it: its final status (sent, failed, skipped,
    unknown), when it finished and that outcome's own fields (reason, providerId, sentAt, ...)."""
    message_id: str
    claim: str
    status: str
    finished_at: datetime
    fields: dict = field(default_factory=dict)
