"""Merging two profiles of one person: which profile fields the kept customer ends with, what the merged profile
leaves behind as a tombstone, and the totals as the moved orders give them. Pure rules, no I/O.

The rule for profile fields (docs/data-rights.md, "Merging duplicates"): the kept customer's value stays unless it
is empty; an empty one takes the merged customer's. Names, email, status and opt-ins are always the kept
customer's (opt-ins are then re-derived from the combined consent ledger). Tags and preferences are the union,
notes are appended, the registration date is the earlier one (the person has been a customer since then)."""
from datetime import datetime

from pydantic import Field

from services.customers.domain.orders import COUNTED
from shared.api import InputModel
from shared.errors import AppError, NotFound, ValidationFailed

# Filled from the merged profile only where the kept one has nothing.
FILLED_WHEN_EMPTY = ("phone", "dateOfBirth", "gender", "avatar")
PREFERENCE_LISTS = ("sizes", "colors", "brands", "categories")
# What the tombstone keeps of the merged profile: enough to recognise it and answer its id (the graph's Customer
# needs names and an email). Phone, address, birthday and notes either moved to the kept profile or are dropped.
TOMBSTONE_FIELDS = ("firstName", "lastName", "email", "status", "registrationDate", "createdAt")
ERASED_STATUS = "erased"  # H3's erasure overwrites a profile and leaves this status (domain/erasure.py)


class MergeRequest(InputModel):
    keep_id: str = Field(alias="keepId", min_length=1, max_length=64, description="the customer that stays")
    merge_id: str = Field(alias="mergeId", min_length=1, max_length=64,
                          description="the customer folded into keepId; its id then answers as a tombstone")


class AlreadyMerged(AppError):
    """The customer was merged into another one already: it can neither be merged again nor receive a merge."""

    code = "ALREADY_MERGED"
    http_status = 409


class CustomerErased(AppError):
    code = "CUSTOMER_ERASED"
    http_status = 409


def check_ids(keep_id: str, merge_id: str) -> None:
    if keep_id == merge_id:
        raise ValidationFailed("a customer can't be merged into itself", field="mergeId")


def check_side(doc: dict | None, tombstone: dict | None, customer_id: str, field: str) -> dict:
    """The live profile of one side of the merge, or the error naming that side."""
    if tombstone is not None:
        raise AlreadyMerged(f"customer {customer_id} was already merged into {tombstone['mergedInto']}", field=field)
    if doc is None:
        raise NotFound(f"customer {customer_id} not found", field=field)
    if doc.get("status") == ERASED_STATUS:
        raise CustomerErased(f"customer {customer_id} was erased", field=field)
    return doc


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _address_empty(address: dict | None) -> bool:
    return not address or all(_empty(v) for v in address.values())


def _union(first: list, second: list) -> list:
    return list(dict.fromkeys([*(first or []), *(second or [])]))


def merged_notes(kept: dict, merged: dict) -> str | None:
    """The kept notes, then the merged customer's under a line naming where they came from."""
    if _empty(merged.get("notes")):
        return kept.get("notes")
    moved = f"[merged from customer {merged['_id']}]\n{merged['notes']}"
    return moved if _empty(kept.get("notes")) else f"{kept['notes']}\n\n{moved}"


def profile_changes(kept: dict, merged: dict) -> dict:
    """The fields of the kept profile that change (storage names); only those that differ."""
    changes: dict = {field: merged[field] for field in FILLED_WHEN_EMPTY
                     if _empty(kept.get(field)) and not _empty(merged.get(field))}
    if _address_empty(kept.get("address")) and not _address_empty(merged.get("address")):
        changes["address"] = merged["address"]
    changes["tags"] = sorted(set(kept.get("tags") or []) | set(merged.get("tags") or []))
    kept_prefs, merged_prefs = kept.get("preferences") or {}, merged.get("preferences") or {}
    changes["preferences"] = {name: _union(kept_prefs.get(name), merged_prefs.get(name)) for name in PREFERENCE_LISTS}
    changes["notes"] = merged_notes(kept, merged)
    earlier = min(d for d in (kept.get("registrationDate"), merged.get("registrationDate")) if d is not None)
    changes["registrationDate"] = earlier
    return {field: value for field, value in changes.items() if kept.get(field) != value}


def changed_contact_fields(changes: dict) -> list[str]:
    """What other services' read models hold of the changes (customer.updated's changedFields)."""
    return sorted(field for field in changes if field in ("phone",))


def tombstone(merged: dict, keep_id: str, now: datetime, actor: dict | None) -> dict:
    """What answers for the merged id from now on."""
    kept = {field: merged[field] for field in TOMBSTONE_FIELDS if field in merged}
    return {"_id": merged["_id"], **kept, "communication": {"email": False, "sms": False, "push": False},
            "mergedInto": keep_id, "mergedAt": now,
            "merge": {"actor": actor, "at": now}, "updatedAt": now}


def totals_from(rows: list[dict]) -> dict:
    """The customer's totals from their orders, by status: rows of {_id: status, spent, orders, latest}. As the
    incremental rules keep them: cancelled and refunded orders count for nothing, returns are taken off, and the
    last purchase is the latest order placed whatever became of it."""
    counted = [row for row in rows if row["_id"] in COUNTED]
    latest = [row["latest"] for row in rows if row.get("latest") is not None]
    return {"totalSpentMinor": sum(row["spent"] for row in counted),
            "totalOrders": sum(row["orders"] for row in counted),
            "lastPurchaseDate": max(latest) if latest else None}
