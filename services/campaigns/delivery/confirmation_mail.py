"""The double opt-in confirmation mail: transactional, so no tracking, no unsubscribe link and no
List-Unsubscribe (there is nothing to unsubscribe from yet: not confirming is saying no)."""
import html
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from services.campaigns.delivery.email import _POLICY, _UTF8, _one_line

SUBJECT = "Please confirm your subscription"


def build_confirmation_email(*, sender: str, to: str, first_name: str | None, wording: str | None, url: str,
                             consent_id: str) -> Message:
    greeting = f"Hi {first_name}," if first_name else "Hi,"
    asked = wording or "to receive our news and offers by email"
    text = (f"{greeting}\n\nYou asked {asked!r}.\nPlease confirm by opening this link:\n{url}\n\n"
            "If this wasn't you, ignore this mail: you will receive nothing.\n")
    body = (f"<p>{html.escape(greeting)}</p><p>You asked: <em>{html.escape(asked)}</em></p>"
            f'<p><a href="{html.escape(url)}">Confirm my subscription</a></p>'
            "<p>If this wasn't you, ignore this mail: you will receive nothing.</p>")
    mail = MIMEMultipart("alternative", policy=_POLICY)
    name, address = parseaddr(_one_line(sender))
    mail["From"] = formataddr((name, address), charset="utf-8")
    mail["To"] = _one_line(to)
    mail["Subject"] = SUBJECT
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = make_msgid(idstring=f"consent.{consent_id}", domain="campaigns.joantees")
    mail["X-Consent-Confirmation"] = _one_line(consent_id)
    mail.attach(MIMEText(text, "plain", _UTF8, policy=_POLICY))
    mail.attach(MIMEText(body, "html", _UTF8, policy=_POLICY))
    return mail
