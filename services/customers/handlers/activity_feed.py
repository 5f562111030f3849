"""The shop-wide activity feed: every customer's timeline entries, newest first, each with the customer's name."""
from services.customers.domain.activity_feed import FeedFilter, decode_cursor, encode_cursor
from services.customers.domain.erasure import is_erased
from services.customers.handlers.deps import Deps


def _name(doc: dict | None) -> str | None:
    if doc is None or is_erased(doc):
        return None  # an erased person has no name left to show
    return " ".join(part for part in (doc.get("firstName"), doc.get("lastName")) if part) or None


async def feed_page(deps: Deps, wanted: FeedFilter, limit: int, after: str | None) -> dict:
    """A page of entries after the cursor, the names of their customers read in one query (not one per entry)."""
    position = decode_cursor(after) if after else None
    entries, more = await deps.activity.feed(wanted, limit, position)
    names = await deps.activity.customer_names(list(dict.fromkeys(e.customer_id for e in entries)))
    items = [{"entry": e, "customerName": _name(names.get(e.customer_id)),
              "cursor": encode_cursor(e.occurred_at, e.id)} for e in entries]
    return {"items": items, "hasMore": more}
