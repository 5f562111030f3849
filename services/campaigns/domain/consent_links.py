"""Double opt-in confirmation links: `/c/<signed token>` on the public base, signed like the tracking tokens
(itsdangerous, the tracking secret, a salt of their own so no other token verifies as one)."""
from itsdangerous import BadSignature, URLSafeSerializer

from shared.errors import NotFound

CONFIRM_PREFIX = "/c/"
_SALT = "campaigns.consent.confirm"


class ConsentLinks:
    """The token names the pending consent only; it resolves through the confirmation record (expiry, erasure)."""

    def __init__(self, public_url: str, secret: str):
        self.base = public_url.rstrip("/")
        self._serializer = URLSafeSerializer(secret, salt=_SALT)

    def url(self, consent_id: str) -> str:
        return f"{self.base}{CONFIRM_PREFIX}{self._serializer.dumps({'c': consent_id})}"

    def read(self, token: str) -> str:
        """The consent id; NotFound for a forged, altered or foreign token."""
        try:
            payload = self._serializer.loads(token)
        except BadSignature as exc:
            raise NotFound("this link is not valid", field="token") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("c"), str):
            raise NotFound("this link is not valid", field="token")
        return payload["c"]
