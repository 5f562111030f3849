"""Email over SMTP with aiosmtplib: a small connection pool, MIME building, failures classified per SMTP phase."""
import asyncio
import re
from email._policybase import Compat32
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr

import aiosmtplib

from services.campaigns.delivery.errors import Ambiguous, NotSentRetryable, Rejected
from services.campaigns.settings import CampaignsSettings

# Bodies as quoted-printable UTF-8: readable in the raw mail, and no line gets near SMTP's 998-octet limit.
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP
_LINE_BREAKS = re.compile(r"[\r\n]+")


class _Policy(Compat32):
    """compat32, except that a plain ASCII value (a URL, an id) stays on its line instead of moving to the next
    one; encoded words still fold at 78."""

    def _fold(self, name, value, sanitize):
        if isinstance(value, str) and value.isascii() and len(name) + len(value) < 996:
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


_POLICY = _Policy()


def build_email(*, sender: str, to: str, subject: str, text: str, html: str, message_id: str,
                unsubscribe_url: str) -> Message:
    """multipart/alternative, text and HTML. Built with the compat32 MIME classes: an EmailMessage
    (policy.default) parses and refolds every header it is given, which cost ~1 ms a mail, most of a send's CPU."""
    mail = MIMEMultipart("alternative", policy=_POLICY)
    name, address = parseaddr(_one_line(sender))
    subject = _one_line(subject)
    mail["From"] = formataddr((name, address), charset="utf-8")
    mail["To"] = _one_line(to)
    mail["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = make_msgid(idstring=message_id.replace(":", "."), domain="campaigns.joantees")
    mail["X-Campaign-Message"] = _one_line(message_id)
    # RFC 2369 and RFC 8058: mail clients show an unsubscribe button and may POST to it in one click.
    mail["List-Unsubscribe"] = f"<{_one_line(unsubscribe_url)}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.attach(MIMEText(text, "plain", _UTF8, policy=_POLICY))
    mail.attach(MIMEText(html, "html", _UTF8, policy=_POLICY))
    return mail


def _one_line(value: str) -> str:
    """A header value never carries a line break (a rendered subject could, and would inject headers)."""
    return _LINE_BREAKS.sub(" ", value)


class EmailSender:
    def __init__(self, settings: CampaignsSettings):
        self.settings = settings
        self._idle: asyncio.LifoQueue[aiosmtplib.SMTP] = asyncio.LifoQueue()
        self._slots = asyncio.Semaphore(settings.smtp_pool_size)

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        client = aiosmtplib.SMTP(hostname=s.smtp_host, port=s.smtp_port, timeout=s.smtp_timeout_seconds,
                                 use_tls=s.smtp_tls == "tls", start_tls=True if s.smtp_tls == "starttls" else False)
        try:
            await client.connect()
            if s.smtp_username:
                await client.login(s.smtp_username, s.smtp_password.get_secret_value() if s.smtp_password else "")
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise NotSentRetryable(f"SMTP connect failed: {exc}") from exc
        return client

    async def send(self, mail: Message) -> str:
        """Returns the SMTP server's answer; raises a DeliveryError subclass."""
        async with self._slots:
            client = self._idle.get_nowait() if not self._idle.empty() else await self._connect()
            try:
                answer = await self._transaction(client, mail)
            except BaseException:
                client.close()
                raise
            self._idle.put_nowait(client)
            return answer

    async def _transaction(self, client: aiosmtplib.SMTP, mail: Message) -> str:
        sender, to = parseaddr(self.settings.mail_from)[1], mail["To"]
        try:
            if not client.is_connected:
                raise aiosmtplib.SMTPServerDisconnected("idle connection closed")
            await client.mail(sender)
            await client.rcpt(to)
        except aiosmtplib.SMTPResponseException as exc:
            await _reset(client)
            raise (NotSentRetryable if 400 <= exc.code < 500 else Rejected)(f"{exc.code} {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            # Nothing was handed over before DATA: a stale pooled connection, retried on a fresh one.
            raise NotSentRetryable(f"SMTP before DATA: {exc}") from exc
        try:
            response = await client.data(mail.as_bytes())
        except aiosmtplib.SMTPResponseException as exc:
            await _reset(client)
            raise (NotSentRetryable if 400 <= exc.code < 500 else Rejected)(f"{exc.code} {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as exc:
            raise Ambiguous(f"SMTP connection lost during DATA: {exc}") from exc
        return f"{response.code} {response.message}"

    async def close(self) -> None:
        while not self._idle.empty():
            client = self._idle.get_nowait()
            try:
                await asyncio.wait_for(client.quit(), 2)
            except Exception:
                client.close()


async def _reset(client: aiosmtplib.SMTP) -> None:
    try:
        await client.rset()
    except (aiosmtplib.SMTPException, OSError):
        client.close()
