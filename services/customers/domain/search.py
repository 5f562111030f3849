"""Customer search by name, email or phone prefix: the keys a customer is found by, and how a query reads.

A customer's search keys are the words of their first and last name, their email and their phone number's
digits (E.164 and national form), folded (lower case, accents dropped). What the index holds is every key's
prefixes up to PREFIX_LENGTH characters (`searchPrefixes`), so a prefix search is one equality on a multikey
index: exact on MongoDB and served by SecantusDB's planner. A range (`$gte`/`$lt`) on the key array is not:
on an array it matches when one key is above the bound and another below it, and `$elemMatch`, which would
fix that, is not served from an index by SecantusDB. `searchText` is the keys joined by spaces, for what the
index cannot decide alone (several words, or a word longer than PREFIX_LENGTH).
"""
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

# Version 2 added nameZipKey (domain/duplicates.py).
SEARCH_VERSION = 2  # bump when the keys change: the store's backfill then rewrites every customer's
PREFIX_LENGTH = 16
_PHONE_QUERY = re.compile(r"\+?[\d\s().-]+")
_WORD_SEPARATORS = re.compile(r"[\s,;]+")


def fold(text: str) -> str:
    """Lower case without accents, so "José" and "jose" are the same key."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _name_words(name: str | None) -> list[str]:
    words = fold(name or "").split()
    return words + [part for word in words if "-" in word for part in word.split("-") if part]


def _phone_keys(phone: str | None) -> list[str]:
    if not phone:
        return []
    digits = re.sub(r"\D", "", phone)
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return [digits]
    national = re.sub(r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return [digits, national, str(number.national_number)]


def search_keys(doc: dict) -> list[str]:
    """The keys a stored customer is found by (no spaces in any of them), without repeats, in a stable order."""
    keys = _name_words(doc.get("firstName")) + _name_words(doc.get("lastName"))
    if doc.get("email"):
        keys.append(fold(doc["email"]))
    keys += _phone_keys(doc.get("phone"))
    return list(dict.fromkeys(k for k in keys if k))


def search_fields(doc: dict) -> dict:
    """The stored search fields of a customer document, computed from its name, email, phone and postal code
    (nameZipKey: the key likely duplicates are grouped by, domain/duplicates.py)."""
    from services.customers.domain.duplicates import name_zip_key  # it imports fold from here

    keys = search_keys(doc)
    prefixes = sorted({key[:length] for key in keys for length in range(1, min(len(key), PREFIX_LENGTH) + 1)})
    return {"searchPrefixes": prefixes, "searchText": " ".join(keys), "nameZipKey": name_zip_key(doc),
            "searchVersion": SEARCH_VERSION}


@dataclass(frozen=True)
class SearchTerms:
    """A query as words that must each begin some key of the customer."""

    words: tuple[str, ...]

    @property
    def index_prefix(self) -> str:
        """The longest word (the most selective) cut to what the index holds."""
        return max(self.words, key=len)[:PREFIX_LENGTH]

    @property
    def exact_by_index(self) -> bool:
        """True when the index equality alone decides: one word the index holds whole."""
        return len(self.words) == 1 and len(self.words[0]) <= PREFIX_LENGTH


def parse_search(q: str) -> SearchTerms | None:
    """Words of `q`; a query of digits and phone punctuation ("+1 (415) 555-01") is one word, its digits.
    None when nothing is left to search for."""
    q = q.strip()
    if _PHONE_QUERY.fullmatch(q) and any(c.isdigit() for c in q):
        return SearchTerms((re.sub(r"\D", "", q),))
    words = tuple(dict.fromkeys(w for w in _WORD_SEPARATORS.split(fold(q)) if w))
    return SearchTerms(words) if words else None
