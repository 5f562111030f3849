"""Route: everything campaigns holds on one customer, for their data export (issue 13, "Access").

Every message sent (or skipped) to them with its campaign, template and subject and what happened to it, the
unsubscribes they made, and their entry in the recipient read model. Whole, not a page: the messages are bounded by
shared.data_export.MAX_ROWS (past it, 413 EXPORT_TOO_LARGE, never a cut list).
"""
from datetime import datetime

from fastapi import APIRouter

from services.campaigns.api.deps import DepsDep
from services.campaigns.api.models import MessagePublic
from services.campaigns.domain.records import Campaign, Message

router = APIRouter(tags=["data export"])

# What happened to a message, in the order it can happen: (event name, the record's time of it).
_EVENTS = (("created", "created_at"), ("sent", "sent_at"), ("delivered", "delivered_at"), ("opened", "opened_at"),
           ("clicked", "clicked_at"), ("bounced", "bounced_at"), ("unsubscribed", "unsubscribed_at"))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _message(message: Message, campaign: Campaign | None) -> dict:
    """The message as GET /messages shows it, plus its campaign's template and subject, its bounce and end times,
    the links it carried and its events in time order."""
    events = [{"event": name, "at": _iso(getattr(message, attr))} for name, attr in _EVENTS
              if getattr(message, attr) is not None]
    if message.status in ("failed", "skipped", "unknown"):
        events.append({"event": message.status, "at": _iso(message.finished_at or message.created_at),
                       "reason": message.reason})
    return {**MessagePublic.from_record(message).model_dump(mode="json", by_alias=True),
            "templateId": campaign.template_id if campaign else None,
            "subject": campaign.subject if campaign else None,  # the campaign's (a template of it)
            "campaignDeleted": campaign is None,
            "bouncedAt": _iso(message.bounced_at), "finishedAt": _iso(message.finished_at),
            "links": list(message.links), "events": sorted(events, key=lambda e: e["at"] or "")}


def _recipient(doc: dict | None) -> dict | None:
    if doc is None:
        return None
    return {("customerId" if k == "_id" else k): (_iso(v) if isinstance(v, datetime) else v) for k, v in doc.items()}


@router.get("/customers/{customer_id}/data-export")
async def export_customer(customer_id: str, deps: DepsDep) -> dict:
    """What campaigns holds on this id: {customerId, messages, confirmations, unsubscribes, unsubscribedChannels,
    recipient}. An id campaigns never heard of answers empty lists and a null recipient (whether the customer
    exists is the customers service's answer: the gateway asks it)."""
    messages = await deps.messages.all_for_customer(customer_id)
    campaigns = await deps.campaigns.by_ids(list({m.campaign_id for m in messages}))
    recipient = await deps.recipients.get(customer_id)
    # Unsubscribes through a message's link (or a complaint about it) are on the message; the channels a person
    # is unsubscribed from now, whatever the way (SMS STOP included), are on the read model.
    unsubscribes = [{"channel": m.channel, "campaignId": m.campaign_id, "messageId": m.id,
                     "at": _iso(m.unsubscribed_at)} for m in messages if m.unsubscribed_at is not None]
    confirmations = [{"consentId": c.consent_id, "requestedAt": _iso(c.requested_at), "sentAt": _iso(c.sent_at),
                      "confirmedAt": _iso(c.confirmed_at), "expiresAt": _iso(c.expires_at), "failure": c.failure}
                     for c in await deps.confirmations.for_customer(customer_id)]
    return {"customerId": customer_id,
            "messages": [_message(m, campaigns.get(m.campaign_id)) for m in messages],
            "confirmations": confirmations,  # double opt-in mails (the consent they confirm is in the ledger)
            "unsubscribes": unsubscribes,
            "unsubscribedChannels": sorted(c for c, v in ((recipient or {}).get("unsubscribed") or {}).items() if v),
            "recipient": _recipient(recipient)}
