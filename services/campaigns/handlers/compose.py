"""Turns a campaign and one recipient into what goes out: an email with tracking, or an SMS text."""
from dataclasses import dataclass
from email.message import Message

from services.campaigns.delivery.email import build_email
from services.campaigns.domain import rendering
from services.campaigns.domain.opt_out import with_sms_opt_out_line
from services.campaigns.domain.records import Campaign
from services.campaigns.domain.tracking import Links


def render_parts(campaign: Campaign, recipient: dict, sms_opt_out_line: str = "") -> dict:
    """Subject, text and HTML (email) or text (SMS), rendered without tracking: what previews show.
    Called in the render pool (handlers.render_pool); a part that fails or goes past a limit raises RenderFailed.
    An SMS ends with the opt-out line (every campaign is marketing), counted in its length and segments."""
    ctx = rendering.context_for(recipient)
    text = rendering.render_field(campaign.content, "content", ctx)
    if campaign.type == "sms":
        text = with_sms_opt_out_line(text, sms_opt_out_line)
        return {"text": text, "sms": rendering.sms_info(text)}
    html = rendering.render_field(campaign.html_content, "htmlContent", ctx, is_html=True) \
        if campaign.html_content else rendering.text_to_html(text)
    return {"subject": rendering.render_field(campaign.subject, "subject", ctx), "text": text, "html": html}


@dataclass(frozen=True)
class ComposedEmail:
    mail: Message
    links: list[str]  # the body's original URLs; the message record keeps them for the click redirect


def compose_tracked_email(campaign: Campaign, recipient: dict, to: str, message_id: str, links: Links,
                          sender: str) -> ComposedEmail:
    parts = render_parts(campaign, recipient)
    unsubscribe = links.unsubscribe(message_id)
    text = f"{parts['text']}\n\n--\nUnsubscribe: {unsubscribe}\n"
    tracked = links.track_html(parts["html"], message_id)
    return ComposedEmail(build_email(sender=sender, to=to, subject=parts["subject"], text=text, html=tracked.html,
                                     message_id=message_id, unsubscribe_url=unsubscribe), tracked.links)


def compose_email(campaign: Campaign, recipient: dict, to: str, message_id: str, links: Links, sender: str) -> Message:
    return compose_tracked_email(campaign, recipient, to, message_id, links, sender).mail
