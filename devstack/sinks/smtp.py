"""An SMTP sink: accepts every mail and keeps it (raw; parsed when listed)."""
import asyncio
import itertools
from datetime import datetime, timezone
from email import message_from_bytes, policy

from aiosmtpd.smtp import SMTP


class MailSink:
    """aiosmtpd handler. `hold`, when set by a test, stalls DATA until it is released."""

    def __init__(self, max_kept: int = 50_000):
        self.received: list[dict] = []
        self.max_kept = max_kept
        self.hold: asyncio.Event | None = None
        self.hold_after = 0  # mails let through before `hold` applies
        self.data_calls = 0
        self.replies: list[str] = []  # tests queue SMTP answers here ("451 4.3.0 try later") to refuse mails
        self.arrived = asyncio.Event()
        self._ids = itertools.count(1)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.data_calls += 1
        self.arrived.set()
        if self.hold is not None and self.data_calls > self.hold_after:
            await self.hold.wait()
        if self.replies:
            return self.replies.pop(0)
        if len(self.received) >= self.max_kept:
            self.received.pop(0)
        self.received.append({"id": next(self._ids), "from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "raw": envelope.original_content or envelope.content,
                              "receivedAt": datetime.now(timezone.utc).isoformat()})
        return "250 Message accepted for delivery"

    def mails(self) -> list[dict]:
        return [parse(item) for item in self.received]

    def clear(self) -> None:
        self.received.clear()


def parse(item: dict) -> dict:
    mail = message_from_bytes(item["raw"], policy=policy.default)
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    return {"id": item["id"], "from": item["from"], "to": item["to"], "receivedAt": item["receivedAt"],
            "subject": mail["Subject"], "headers": {k: str(v) for k, v in mail.items()},
            "text": text.get_content() if text else None, "html": html.get_content() if html else None}


async def start_smtp(sink: MailSink, host: str, port: int) -> asyncio.Server:
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: SMTP(sink, hostname="sink.local", data_size_limit=10_000_000),
                                    host=host, port=port)
