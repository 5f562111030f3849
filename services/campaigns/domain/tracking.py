"""Signed tokens for open pixels, click redirects and unsubscribe links, and every public URL the service hands
out, all built from one base (`public_url`)."""
from urllib.parse import quote, urlencode

from itsdangerous import BadSignature, URLSafeSerializer

from services.campaigns.domain.html_links import TrackedHtml, rewrite_links
from shared.errors import NotFound

OPEN, CLICK, UNSUBSCRIBE = "open", "click", "unsubscribe"
# Click tokens name a link of their message by position (v2); the first ones carried the URL itself and could send
# a validly signed token anywhere, so they no longer verify.
_SALTS = {OPEN: "campaigns.open", CLICK: "campaigns.click.v2", UNSUBSCRIBE: "campaigns.unsubscribe"}
# The paths mail clients, recipients and the providers reach through the ingress; nothing else is public.
PUBLIC_PREFIXES = ("/t/", "/u/", "/c/", "/webhooks/")  # /c/: double opt-in confirmation (consent_links.py)
SMS_STATUS_PATH = "/webhooks/sms/status"
SMS_INBOUND_PATH = "/webhooks/sms/inbound"
EMAIL_STATUS_PATH = "/webhooks/email/status"


class Tokens:
    """Not timed on purpose: a link in a mail must keep working. The signature stops forgery and guessing; each
    token resolves through its message record, so deleting that record (erasure) makes it stop resolving."""

    def __init__(self, secret: str):
        self._serializers = {kind: URLSafeSerializer(secret, salt=salt) for kind, salt in _SALTS.items()}

    def make(self, kind: str, message_id: str, link: int | None = None) -> str:
        payload = {"m": message_id} if link is None else {"m": message_id, "l": link}
        return self._serializers[kind].dumps(payload)

    def read(self, kind: str, token: str) -> dict:
        try:
            payload = self._serializers[kind].loads(token)
        except BadSignature as exc:
            raise NotFound("this link is not valid", field="token") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("m"), str):
            raise NotFound("this link is not valid", field="token")
        if kind == CLICK and not (type(payload.get("l")) is int and payload["l"] >= 0):
            raise NotFound("this link is not valid", field="token")
        return payload


class Links:
    """The public URLs a message carries and the callback URLs given to providers."""

    def __init__(self, public_url: str, tokens: Tokens):
        self.base = public_url.rstrip("/")
        self.tokens = tokens

    def open_pixel(self, message_id: str) -> str:
        return f"{self.base}/t/o/{self.tokens.make(OPEN, message_id)}.gif"

    def click(self, message_id: str, link: int) -> str:
        return f"{self.base}/t/c/{self.tokens.make(CLICK, message_id, link)}"

    def unsubscribe(self, message_id: str) -> str:
        return f"{self.base}/u/{self.tokens.make(UNSUBSCRIBE, message_id)}"

    def sms_status_callback(self, reference: str) -> str:
        """Twilio's StatusCallback: our message id rides in the URL, which Twilio's signature covers."""
        return f"{self.base}{SMS_STATUS_PATH}?{urlencode({'ref': reference})}"

    def called(self, raw_path: str, query: str) -> str:
        """The public URL a provider called to reach this path: what its signature was computed over."""
        return f"{self.base}{raw_path}" + (f"?{query}" if query else "")

    def track_html(self, body: str, message_id: str) -> TrackedHtml:
        """Every http(s) link goes through the click redirect; the unsubscribe link and the open pixel close the
        body. The original URLs come back in order: the message record keeps them for the redirect."""
        tracked = rewrite_links(body, lambda position: self.click(message_id, position))
        pixel = f'<img src="{self.open_pixel(message_id)}" width="1" height="1" alt="" style="display:none">'
        unsubscribe = f'<p style="font-size:12px"><a href="{self.unsubscribe(message_id)}">Unsubscribe</a></p>'
        if "</body>" in tracked.html:
            return TrackedHtml(tracked.html.replace("</body>", unsubscribe + pixel + "</body>", 1), tracked.links)
        return TrackedHtml(tracked.html + unsubscribe + pixel, tracked.links)


def location_header(url: str) -> str:
    """The URL as a Location header value: unchanged, except that characters a header can't carry (spaces,
    controls, non-ASCII) are percent-encoded as UTF-8, which is what a browser sends for them anyway."""
    return "".join(c if "!" <= c <= "~" else quote(c, safe="") for c in url)
