"""Likely duplicates: which customers are probably one person, and the keys that find them through an index.

Two customers are a likely pair when they have the same phone (stored E.164, so already normalised), or the same
name key and the same postal code. The name key is the first and last name folded (lower case, accents dropped),
punctuation dropped, whitespace collapsed and the words sorted, so "José  María-López" and "maria lopez jose" are
one key, and a first and last name swapped still match. It is equality, not an edit distance: equality is what an
index can serve (one group per key), where comparing names by distance means comparing every pair in a postal
code. The key is stored on the customer (`nameZipKey`, written with the search fields) and indexed."""
import base64
import binascii
import json
import re
from dataclasses import dataclass

from services.customers.domain.search import fold
from shared.errors import ValidationFailed

SAME_PHONE = "SAME_PHONE"
SIMILAR_NAME_SAME_ZIP = "SIMILAR_NAME_SAME_ZIP"
REASONS = (SAME_PHONE, SIMILAR_NAME_SAME_ZIP)  # the order pairs are listed in: all phone groups, then name groups
GROUP_FIELDS = {SAME_PHONE: "phone", SIMILAR_NAME_SAME_ZIP: "nameZipKey"}
_NOT_WORD = re.compile(r"[^\w]+")


def name_key(first: str | None, last: str | None) -> str | None:
    words = sorted(w for w in _NOT_WORD.split(fold(f"{first or ''} {last or ''}").replace("_", " ")) if w)
    return " ".join(words) or None


def zip_key(zip_code: str | None) -> str | None:
    return re.sub(r"[\s-]+", "", fold(zip_code or "")) or None


def name_zip_key(doc: dict) -> str | None:
    """The stored key: postal code and name key; none without both."""
    name = name_key(doc.get("firstName"), doc.get("lastName"))
    zip_code = zip_key((doc.get("address") or {}).get("zipCode"))
    return f"{zip_code}|{name}" if name and zip_code else None


@dataclass(frozen=True)
class Position:
    """Where a page starts: the reason, the group's key, and how many pairs of that group came before."""

    reason: str = SAME_PHONE
    key: str | None = None
    index: int = 0

    def encode(self) -> str:
        raw = json.dumps({"r": self.reason, "k": self.key, "i": self.index}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode()

    @classmethod
    def decode(cls, cursor: str | None) -> "Position":
        if not cursor:
            return cls()
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            position = cls(data["r"], data["k"], data["i"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise ValidationFailed("after is not a cursor from this API", field="after") from None
        if position.reason not in REASONS or not isinstance(position.key, str) or not isinstance(position.index, int) \
                or position.index < 0:
            raise ValidationFailed("after is not a cursor from this API", field="after")
        return position


@dataclass(frozen=True)
class Pair:
    first_id: str
    second_id: str
    reasons: tuple[str, ...]
    position: Position  # where this pair is: a page that ends before it resumes here


def group_pairs(reason: str, key: str, members: list[dict]) -> list[Pair]:
    """Every pair of a group (members: id, phone, nameZipKey), in id order. A pair sharing both a phone and a name
    key is listed once, under the phone, with both reasons."""
    members = sorted(members, key=lambda m: m["id"])
    pairs: list[Pair] = []
    for i, first in enumerate(members):
        for second in members[i + 1:]:
            same_phone = first.get("phone") is not None and first.get("phone") == second.get("phone")
            same_name = first.get("nameZipKey") is not None and first.get("nameZipKey") == second.get("nameZipKey")
            if reason == SIMILAR_NAME_SAME_ZIP and same_phone:
                continue
            reasons = tuple(r for r, hit in ((SAME_PHONE, same_phone), (SIMILAR_NAME_SAME_ZIP, same_name)) if hit)
            pairs.append(Pair(first["id"], second["id"], reasons, Position(reason, key, len(pairs))))
    return pairs
