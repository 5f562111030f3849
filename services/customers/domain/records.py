"""Typed records the customers stores return (frozen: a record read is a value, not a handle on the document)."""
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ActivityEntry:
    """One timeline entry as stored: what happened to a customer (`kind` is the stored `type`), newest first."""

    id: str
    customer_id: str
    kind: str
    summary: str
    occurred_at: datetime
    data: dict = field(default_factory=dict)
    actor: dict | None = None  # the staff member or API key behind it; None: the system
    merged_from: str | None = None  # moved here from this customer by a merge

    @classmethod
    def from_doc(cls, doc: dict) -> "ActivityEntry":
        return cls(id=doc["_id"], customer_id=doc["customerId"], kind=doc["type"], summary=doc["summary"],
                   occurred_at=doc["occurredAt"], data=doc.get("data") or {}, actor=doc.get("actor"),
                   merged_from=doc.get("mergedFrom"))

    def to_doc(self) -> dict:
        doc = {"_id": self.id, "customerId": self.customer_id, "type": self.kind, "summary": self.summary,
               "occurredAt": self.occurred_at, "data": self.data}
        if self.actor is not None:
            doc["actor"] = self.actor
        if self.merged_from is not None:
            doc["mergedFrom"] = self.merged_from
        return doc
