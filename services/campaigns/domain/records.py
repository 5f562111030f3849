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


@dataclass(frozen=True)
class Template:
    """A stored template. Its document keeps only the optional fields that have a value, as before."""
    id: str
    name: str
    type: str
    content: str
    created_at: datetime
    updated_at: datetime
    subject: str | None = None
    html_content: str | None = None
    description: str | None = None

    @classmethod
    def from_doc(cls, doc: dict) -> "Template":
        return cls(id=doc["_id"], name=doc["name"], type=doc["type"], content=doc["content"],
                   created_at=doc["createdAt"], updated_at=doc["updatedAt"], subject=doc.get("subject"),
                   html_content=doc.get("htmlContent"), description=doc.get("description"))

    def to_doc(self) -> dict:
        doc = {"_id": self.id, "name": self.name, "type": self.type, "subject": self.subject,
               "content": self.content, "htmlContent": self.html_content, "description": self.description,
               "createdAt": self.created_at, "updatedAt": self.updated_at}
        return {k: v for k, v in doc.items() if v is not None}


@dataclass(frozen=True)
class Message:
    """A message as read (or, on the send path, as known from its key and campaign without a read: then only the
    identity, channel and claim are set)."""
    id: str
    campaign_id: str
    customer_id: str
    channel: str | None
    campaign_name: str | None = None
    status: str | None = None
    claim: str | None = None
    to: str | None = None
    reason: str | None = None
    provider_id: str | None = None
    attempts: int = 0
    links: tuple[str, ...] = ()
    created_at: datetime | None = None
    sending_at: datetime | None = None
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    opened_at: datetime | None = None
    clicked_at: datetime | None = None
    unsubscribed_at: datetime | None = None
    bounced_at: datetime | None = None
    finished_at: datetime | None = None  # when the send ended (sent, failed, skipped at send time, unknown)
    erased_at: datetime | None = None  # the recipient's personal data was erased: its links no longer resolve

    @classmethod
    def from_doc(cls, doc: dict) -> "Message":
        return cls(id=doc["_id"], campaign_id=doc["campaignId"], customer_id=doc["customerId"],
                   channel=doc.get("channel"), campaign_name=doc.get("campaignName"), status=doc.get("status"),
                   claim=doc.get("claim"), to=doc.get("to"), reason=doc.get("reason"),
                   provider_id=doc.get("providerId"), attempts=doc.get("attempts", 0),
                   links=tuple(doc.get("links") or ()),
                   created_at=doc.get("createdAt"), sending_at=doc.get("sendingAt"), sent_at=doc.get("sentAt"),
                   delivered_at=doc.get("deliveredAt"), opened_at=doc.get("openedAt"),
                   clicked_at=doc.get("clickedAt"), unsubscribed_at=doc.get("unsubscribedAt"),
                   bounced_at=doc.get("bouncedAt"), finished_at=doc.get("finishedAt"),
                   erased_at=doc.get("erasedAt"))
