"""Signed tokens for open pixels, click redirects and unsubscribe links; link rewriting in HTML bodies."""
import re

from itsdangerous import BadSignature, URLSafeSerializer

from shared.errors import NotFound

OPEN, CLICK, UNSUBSCRIBE = "open", "click", "unsubscribe"
_HREF = re.compile(r'href="(https?://[^"]+)"', re.IGNORECASE)


class Tokens:
    """Not timed on purpose: a link in a mail must keep working; the signature stops forgery and guessing."""

    def __init__(self, secret: str):
        self._serializers = {kind: URLSafeSerializer(secret, salt=f"campaigns.{kind}")
                             for kind in (OPEN, CLICK, UNSUBSCRIBE)}

    def make(self, kind: str, message_id: str, url: str | None = None) -> str:
        payload = {"m": message_id} if url is None else {"m": message_id, "u": url}
        return self._serializers[kind].dumps(payload)

    def read(self, kind: str, token: str) -> dict:
        try:
            payload = self._serializers[kind].loads(token)
        except BadSignature as exc:
            raise NotFound("this link is not valid", field="token") from exc
        if not isinstance(payload, dict) or "m" not in payload:
            raise NotFound("this link is not valid", field="token")
        return payload


class Links:
    """The public URLs a message carries."""

    def __init__(self, public_url: str, tokens: Tokens):
        self.base = public_url.rstrip("/")
        self.tokens = tokens

    def open_pixel(self, message_id: str) -> str:
        return f"{self.base}/t/o/{self.tokens.make(OPEN, message_id)}.gif"

    def click(self, message_id: str, url: str) -> str:
        return f"{self.base}/t/c/{self.tokens.make(CLICK, message_id, url)}"

    def unsubscribe(self, message_id: str) -> str:
        return f"{self.base}/u/{self.tokens.make(UNSUBSCRIBE, message_id)}"

    def track_html(self, body: str, message_id: str) -> str:
        """Every http(s) link goes through the click redirect; the open pixel closes the body."""
        tracked = _HREF.sub(lambda m: f'href="{self.click(message_id, m.group(1))}"', body)
        pixel = f'<img src="{self.open_pixel(message_id)}" width="1" height="1" alt="" style="display:none">'
        unsubscribe = f'<p style="font-size:12px"><a href="{self.unsubscribe(message_id)}">Unsubscribe</a></p>'
        if "</body>" in tracked:
            return tracked.replace("</body>", unsubscribe + pixel + "</body>", 1)
        return tracked + unsubscribe + pixel
