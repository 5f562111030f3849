"""Erasure of a customer's personal data: what the tombstone keeps, how a timeline entry is scrubbed. No I/O.

The profile is overwritten, not deleted: the customer id stays as the pseudonym orders, timeline entries,
loyalty ledgers and message records remain attached to, and the totals stay counted (revenue is unchanged).
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from shared.api import InputModel
from shared.erasure import ERASED, PersonalText
from shared.errors import AppError

ERASED_STATUS = "erased"
DELETED_BY_STAFF = "deleted by staff"
# What an erased profile keeps: the id, the figures every aggregate is built from, and the record of the erasure.
KEPT_FIELDS = ("_id", "registrationDate", "createdAt", "totalSpentMinor", "totalOrders", "lastPurchaseDate",
               "loyaltyPoints", "loyaltyLifetimePoints", "loyaltyTier", "loyaltyPointsVersion", "loyaltyTierVersion")

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ErasureRequest(InputModel):
    reason: Reason = Field(description="why the data is erased (e.g. the person's request, with its reference)")


class CustomerGone(AppError):
    """The customer's personal data was erased: the id is known, its profile is gone for good."""

    code = "GONE"
    http_status = 410


@dataclass(frozen=True)
class Erasure:
    customer_id: str
    erased_at: datetime
    reason: str
    already_erased: bool  # True: an earlier erasure did it; this call changed nothing


def is_erased(doc: dict | None) -> bool:
    return doc is not None and doc.get("status") == ERASED_STATUS


def gone(doc: dict) -> CustomerGone:
    return CustomerGone(f"customer {doc['_id']} was erased", field="id",
                        details=[{"erasedAt": doc["erasedAt"].isoformat() if doc.get("erasedAt") else None}])


def personal_text(doc: dict) -> PersonalText:
    return PersonalText.of(email=doc.get("email"), phone=doc.get("phone"),
                           names=(doc.get("firstName"), doc.get("lastName")))


def tombstone(doc: dict, reason: str, actor: dict | None, now: datetime) -> dict:
    """The profile as kept after erasure. `emailKey` stays unique per document (the index is unique), but holds
    no address; search fields are empty so no search finds the pseudonym; no channel is opted in."""
    kept = {key: doc[key] for key in KEPT_FIELDS if key in doc}
    return {**kept, "status": ERASED_STATUS, "erasedAt": now, "erasure": {"reason": reason, "actor": actor, "at": now},
            "emailKey": f"erased:{doc['_id']}", "searchPrefixes": [], "searchText": "",
            "communication": {"email": False, "sms": False, "push": False}, "tags": [], "updatedAt": now}


def scrubbed_entry(entry: dict, text: PersonalText) -> dict:
    """A timeline entry without the person's details. An interaction's summary is free text reported from outside
    (anything could be in it): it becomes the kind's label. Other summaries and data are scrubbed of the details."""
    kind = entry.get("type", "")
    if kind.startswith("interaction."):
        summary = kind.removeprefix("interaction.").replace("_", " ").capitalize()
    else:
        summary = text.scrub(entry.get("summary", ""))
    data = text.scrub(entry.get("data") or {})
    if isinstance(data, dict) and "description" in data:
        data["description"] = ERASED
    return {"summary": summary, "data": data}
