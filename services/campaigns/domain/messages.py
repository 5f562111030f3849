"""Per-recipient messages: statuses, who is skipped and why, and the campaign's metrics from its counters."""

# queued -> sending -> sent -> delivered | bounced; sending -> queued (transient error, retried) | failed | unknown.
# skipped is decided at fan-out (or again just before sending) and the recipient is never messaged.
FINAL = {"sent", "delivered", "bounced", "failed", "unknown", "skipped"}
COUNTERS = ("targeted", "skipped", "queued", "done", "sent", "delivered", "bounced", "failed", "unknown",
            "opened", "clicked", "unsubscribed")


def message_id(campaign_id: str, customer_id: str) -> str:
    """The campaign+recipient key: one message per customer per campaign, ever."""
    return f"{campaign_id}:{customer_id}"


def split_message_id(key: str) -> tuple[str, str]:
    """(campaign id, customer id); campaign ids are UUIDs, so the first colon separates them."""
    campaign_id, customer_id = key.split(":", 1)
    return campaign_id, customer_id


def skip_reason(recipient: dict | None, channel: str) -> str | None:
    """Why this customer must not get this campaign, or None if they may."""
    if recipient is None:
        return "unknown_customer"
    if recipient.get("status") == "suspended":
        # Blocked by staff: no marketing. Everything a campaign sends is marketing (test sends go to staff).
        return "suspended"
    if (recipient.get("unsubscribed") or {}).get(channel):
        return "unsubscribed"
    if not recipient.get(f"{channel}OptIn"):
        return "opted_out"
    if not recipient.get("email" if channel == "email" else "phone"):
        return "no_address"
    if recipient.get("suppressed"):  # the address is an erased person's (set by the fan-out from the hashes)
        return "suppressed"
    return None


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def metrics(counts: dict) -> dict:
    """Counts and rates. Delivery is (sent - bounced) over attempted; opens, clicks and unsubscribes are over
    delivered (sent - bounced); bounces over sent; skipped over targeted. `delivered` alone counts provider receipts."""
    c = {name: int(counts.get(name, 0)) for name in COUNTERS}
    attempted = c["sent"] + c["failed"] + c["unknown"]
    reached = max(0, c["sent"] - c["bounced"])
    return {
        **{k: v for k, v in c.items() if k != "done"},
        "pending": max(0, c["queued"] - c["done"]),
        "deliveryRate": _rate(reached, attempted),
        "openRate": _rate(c["opened"], reached),
        "clickRate": _rate(c["clicked"], reached),
        "bounceRate": _rate(c["bounced"], c["sent"]),
        "unsubscribeRate": _rate(c["unsubscribed"], reached),
        "skipRate": _rate(c["skipped"], c["targeted"]),
    }
