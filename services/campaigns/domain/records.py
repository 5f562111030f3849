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


@dataclass(frozen=True)
class Fanout:
    """Who is recording a sending campaign's audience, until when (the lease), and whether it is all recorded."""
    done: bool = False
    owner: str | None = None
    lease_until: datetime | None = None

    @classmethod
    def from_doc(cls, doc: dict) -> "Fanout":
        return cls(done=bool(doc.get("done")), owner=doc.get("owner"), lease_until=doc.get("leaseUntil"))

    def to_doc(self) -> dict:
        return {"done": self.done, "owner": self.owner, "leaseUntil": self.lease_until}


# A campaign's optional content and audience fields: absent from its document when they have no value.
OPTIONAL_FIELDS = ("subject", "htmlContent", "targetSegment", "targetCustomers", "templateId", "error")


@dataclass(frozen=True)
class Campaign:
    """A stored campaign as read: with `counts`, its counters added up from their shards (empty when the read
    did not add them: claims and by_ids). scheduledDate and sentDate are always in the document (null until set);
    the optional fields only when they have a value, as before."""
    id: str
    name: str
    type: str
    content: str
    status: str
    created_at: datetime
    updated_at: datetime
    subject: str | None = None
    html_content: str | None = None
    target_segment: str | None = None
    target_customers: tuple[str, ...] | None = None
    template_id: str | None = None
    scheduled_date: datetime | None = None
    sent_date: datetime | None = None
    started_at: datetime | None = None
    error: str | None = None
    starts: int = 0
    fanout: Fanout | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_doc(cls, doc: dict, counts: dict[str, int] | None = None) -> "Campaign":
        customers = doc.get("targetCustomers")
        fanout = doc.get("fanout")
        return cls(id=doc["_id"], name=doc["name"], type=doc["type"], content=doc["content"], status=doc["status"],
                   created_at=doc["createdAt"], updated_at=doc["updatedAt"], subject=doc.get("subject"),
                   html_content=doc.get("htmlContent"), target_segment=doc.get("targetSegment"),
                   target_customers=None if customers is None else tuple(customers),
                   template_id=doc.get("templateId"), scheduled_date=doc.get("scheduledDate"),
                   sent_date=doc.get("sentDate"), started_at=doc.get("startedAt"), error=doc.get("error"),
                   starts=doc.get("starts", 0), fanout=Fanout.from_doc(fanout) if fanout is not None else None,
                   counts=dict(counts if counts is not None else doc.get("counts") or {}))

    def to_doc(self) -> dict:
        """The stored document (counts live in their own shards, not here)."""
        doc = {"_id": self.id, "name": self.name, "type": self.type, "subject": self.subject,
               "content": self.content, "htmlContent": self.html_content, "targetSegment": self.target_segment,
               "targetCustomers": None if self.target_customers is None else list(self.target_customers),
               "templateId": self.template_id, "error": self.error, "status": self.status,
               "scheduledDate": self.scheduled_date, "sentDate": self.sent_date, "startedAt": self.started_at,
               "createdAt": self.created_at, "updatedAt": self.updated_at, "starts": self.starts,
               "fanout": self.fanout.to_doc() if self.fanout is not None else None}
        return {k: v for k, v in doc.items()
                if v is not None or k in ("scheduledDate", "sentDate")}

    def content_doc(self) -> dict:
        """The fields the content and audience rules read (domain.campaigns.validate_*), as stored."""
        return {"type": self.type, "subject": self.subject, "content": self.content,
                "htmlContent": self.html_content, "targetSegment": self.target_segment,
                "targetCustomers": list(self.target_customers or ())}
