"""The shop-wide activity feed: what it can be filtered by and its keyset cursor. Pure rules.

The cursor names the last entry seen (its time and id), not an offset: entries recorded while someone pages
neither repeat nor go missing on the next page."""
import base64
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from shared.errors import ValidationFailed

MAX_KINDS = 20
KIND = re.compile(r"^[a-z_]+(\.[a-z_]+)?$")  # "order.placed", or a family: "order" means every "order.*"


@dataclass(frozen=True)
class FeedFilter:
    kinds: tuple[str, ...] = ()
    customer_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class FeedPosition:
    occurred_at: datetime
    entry_id: str


def encode_cursor(occurred_at: datetime, entry_id: str) -> str:
    at = occurred_at.replace(tzinfo=timezone.utc) if occurred_at.tzinfo is None else occurred_at
    return base64.urlsafe_b64encode(f"feed:{at.isoformat()}|{entry_id}".encode()).decode()


def decode_cursor(cursor: str) -> FeedPosition:
    try:
        kind, _, rest = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        at, _, entry_id = rest.partition("|")
        if kind != "feed" or not entry_id:
            raise ValueError
        when = datetime.fromisoformat(at)
        return FeedPosition(when if when.tzinfo else when.replace(tzinfo=timezone.utc), entry_id)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed("after is not a cursor from the activity feed", field="after") from exc


def parse_kinds(raw: str | None) -> tuple[str, ...]:
    kinds = tuple(dict.fromkeys(k.strip() for k in (raw or "").split(",") if k.strip()))
    if len(kinds) > MAX_KINDS:
        raise ValidationFailed(f"at most {MAX_KINDS} kinds", field="kinds")
    bad = next((k for k in kinds if not KIND.match(k)), None)
    if bad is not None:
        raise ValidationFailed(f'a kind is like "order.placed" or "order", not {bad[:40]!r}', field="kinds")
    return kinds


def checked_filter(kinds: tuple[str, ...], customer_id: str | None, since: datetime | None,
                   until: datetime | None) -> FeedFilter:
    since, until = _utc(since), _utc(until)
    if since and until and since >= until:
        raise ValidationFailed("since must be before until", field="since")
    return FeedFilter(kinds, customer_id, since, until)


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value
