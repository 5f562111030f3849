"""Expiring download links of customer exports: the link itself is the credential (like a presigned URL), signed
with a key derived from the gateway's INTERNAL_TOKEN, so it can be opened by a browser that sends no header.

Only customerExport / exportCustomers mint a link, and both need customers:export: holding the permission when the
link is made is what lets one download, until the link expires (GatewaySettings.export_link_seconds).
"""
import hashlib
import hmac
import time
from urllib.parse import urlencode

PATH = "/downloads/customer-exports/"


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"customer-export-links", hashlib.sha256).digest()


def signature(secret: str, job_id: str, expires: int) -> str:
    return hmac.new(_key(secret), f"{job_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def signed_path(secret: str, job_id: str, lifetime_seconds: int, now: float | None = None) -> tuple[str, int]:
    """The download path and its expiry (Unix seconds)."""
    expires = int((now if now is not None else time.time()) + lifetime_seconds)
    query = urlencode({"expires": expires, "signature": signature(secret, job_id, expires)})
    return f"{PATH}{job_id}.csv?{query}", expires


def check(secret: str, job_id: str, expires: str | None, given: str | None, now: float | None = None) -> str | None:
    """None when the link is good; otherwise why not: "invalid" or "expired"."""
    try:
        expiry = int(expires or "")
    except ValueError:
        return "invalid"
    if not given or not hmac.compare_digest(signature(secret, job_id, expiry), given):
        return "invalid"
    if expiry < (now if now is not None else time.time()):
        return "expired"
    return None
