"""Provider callback signatures, checked before anything else is read: our timestamped HMAC scheme (the email
provider) and Twilio's X-Twilio-Signature (SMS). Pure functions; the replay records live in store/receipts.py."""
import base64
import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from shared.errors import AppError

TIMESTAMP_HEADER = "X-Webhook-Timestamp"
SIGNATURE_HEADER = "X-Webhook-Signature"
TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"
# A sender's clock may run a little ahead of ours; further ahead is as suspect as too old.
FUTURE_SKEW_SECONDS = 60
_DEFAULT_PORTS = {"https": 443, "http": 80}


class Unauthenticated(AppError):
    """The callback can't be shown to come from the provider (unsigned, forged, stale); nothing was changed."""
    code = "UNAUTHENTICATED"
    http_status = 401


def sign_v1(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of f"{timestamp}.{raw body}": what a sender puts after `v1=` (Stripe's and Svix' shape)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: str, body: bytes) -> str:
    return f"v1={sign_v1(secret, timestamp, body)}"


def verify_v1(secret: str, timestamp: str | None, header: str | None, body: bytes, *, now: float,
              tolerance: float) -> str:
    """Checks X-Webhook-Timestamp and X-Webhook-Signature over the raw body; returns the signature that matched
    (the key that recognises a replay). The header may carry several `v1=` values (while a secret is rotated)."""
    # isascii: str.isdigit() also takes "²", which int() refuses.
    if not timestamp or not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        raise Unauthenticated(f"{TIMESTAMP_HEADER} must be the signing time in Unix seconds", field=TIMESTAMP_HEADER)
    if not header:
        raise Unauthenticated(f"the callback is not signed ({SIGNATURE_HEADER} missing)", field=SIGNATURE_HEADER)
    expected = sign_v1(secret, timestamp, body).encode()
    given = [part[3:].encode() for part in header.replace(",", " ").split() if part.startswith("v1=")]
    # Every candidate is compared, in constant time each, so the answer's timing says nothing about which failed.
    matched = [hmac.compare_digest(candidate, expected) for candidate in given]
    if not any(matched):
        raise Unauthenticated("the callback's signature does not match", field=SIGNATURE_HEADER)
    age = now - int(timestamp)
    if age > tolerance or age < -FUTURE_SKEW_SECONDS:
        raise Unauthenticated(f"the callback was signed {int(age)} s ago; only {int(tolerance)} s are accepted",
                              field=TIMESTAMP_HEADER)
    return expected.decode()


def twilio_signature(token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Twilio's request signature: base64 HMAC-SHA1, keyed by the auth token, of the full URL followed by every
    POST parameter sorted by name, name then value with no separators (repeated values sorted, once each, as
    twilio-python's RequestValidator does)."""
    values: dict[str, set[str]] = defaultdict(set)
    for name, value in params:
        values[name].add(value)
    data = url + "".join(name + value for name in sorted(values) for value in sorted(values[name]))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def verify_twilio(token: str, url: str, params: list[tuple[str, str]], signature: str | None) -> None:
    """Raises Unauthenticated unless `signature` is Twilio's for this URL and these parameters. The URL is also
    tried with and without its default port, as Twilio's own validators do (a URL configured with `:443`)."""
    if not signature:
        raise Unauthenticated(f"the callback is not signed ({TWILIO_SIGNATURE_HEADER} missing)",
                              field=TWILIO_SIGNATURE_HEADER)
    given = signature.encode()
    matched = [hmac.compare_digest(twilio_signature(token, candidate, params).encode(), given)
               for candidate in _port_variants(url)]
    if not any(matched):
        raise Unauthenticated("the callback's Twilio signature does not match", field=TWILIO_SIGNATURE_HEADER)


def _port_variants(url: str) -> list[str]:
    parts = urlsplit(url)
    default = _DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    if default is None or not host:
        return [url]
    netloc = parts.netloc.rsplit("@", 1)[-1]
    userinfo = parts.netloc[:-len(netloc)]
    bare = host if ":" not in host else f"[{host}]"
    without = urlunsplit(parts._replace(netloc=f"{userinfo}{bare}"))
    with_port = urlunsplit(parts._replace(netloc=f"{userinfo}{bare}:{default}"))
    return list(dict.fromkeys([url, without, with_port]))
