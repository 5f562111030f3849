"""Timeline entries: what happened to a customer, newest first."""
from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.api import InputModel
from shared.timestamps import Timestamp

InteractionKind = Literal["login", "logout", "page_view", "support_contact", "review", "wishlist", "other"]


class InteractionCreate(InputModel):
    kind: InteractionKind
    description: str | None = Field(None, max_length=500)
    occurred_at: Timestamp | None = Field(None, alias="occurredAt")


def entry(customer_id: str, kind: str, summary: str, occurred_at: datetime, data: dict | None = None) -> dict:
    return {"customerId": customer_id, "type": kind, "summary": summary, "occurredAt": occurred_at, "data": data or {}}
