"""Erasure helpers every service shares: the suppression hashes of a contact, and overwriting one person's details
wherever they were copied into stored text (outbox bodies, timeline summaries, message records, audit inputs).

Hashes: SHA-256, hex, of the normalised value. An email is normalised by trimming and lower-casing the whole
address (the customers service treats emails case-insensitively: `emailKey`); a phone by its E.164 form (what the
customers service stores). No salt: a suppression entry must be found again from the same address by any service
and by an import, and the hash is kept only to refuse that address, never to recover it.
"""
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

ERASED = "[erased]"
# Keys whose values are a person's details wherever they appear in an event payload or a stored copy of one.
PERSONAL_KEYS = frozenset({"firstName", "lastName", "email", "phone", "address", "dateOfBirth", "notes", "avatar",
                           "to", "description", "providerAnswer"})
_MIN_NAME = 3  # shorter names ("Al") would overwrite parts of ordinary words


def normal_email(email: str) -> str:
    return email.strip().lower()


def normal_phone(phone: str) -> str:
    """E.164 when the number parses (it must carry its +country code), else its digits with a leading +."""
    text = phone.strip()
    try:
        return phonenumbers.format_number(phonenumbers.parse(text, None), phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return "+" + re.sub(r"\D", "", text)


def _national(phone: str) -> str | None:
    try:
        return str(phonenumbers.parse(phone.strip(), None).national_number)
    except phonenumbers.NumberParseException:
        return None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def email_hash(email: str | None) -> str | None:
    return _sha256(normal_email(email)) if email else None


def phone_hash(phone: str | None) -> str | None:
    return _sha256(normal_phone(phone)) if phone else None


@dataclass(frozen=True)
class PersonalText:
    """One person's details as they may appear inside free text; `scrub` overwrites every occurrence."""

    email: str | None = None
    phone: str | None = None
    names: tuple[str, ...] = ()
    _pattern: re.Pattern | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, *, email: str | None = None, phone: str | None = None, names: tuple[str | None, ...] = ()
           ) -> "PersonalText":
        kept = tuple(n.strip() for n in names if n and len(n.strip()) >= _MIN_NAME)
        parts = []
        if email:
            parts.append(re.escape(email.strip()))
        if phone:  # as given, its digits, and its national number alone (digits inside a longer form)
            parts.append(re.escape(phone.strip()))
            parts += [re.escape(d) for d in {re.sub(r"\D", "", phone), _national(phone)} if d]
        parts += [rf"\b{re.escape(name)}\b" for name in kept]
        parts.sort(key=len, reverse=True)  # the longest first: the email before a name inside it
        pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None
        return cls(email=email, phone=phone, names=kept, _pattern=pattern)

    @property
    def empty(self) -> bool:
        return self._pattern is None

    def found_in(self, text: str) -> bool:
        return bool(self._pattern and self._pattern.search(text))

    def scrub(self, value: Any) -> Any:
        """The value with every occurrence of the person's details in its strings overwritten (at any depth)."""
        if isinstance(value, str):
            return self._pattern.sub(ERASED, value) if self._pattern else value
        if isinstance(value, dict):
            return {key: self.scrub(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        return value


def scrub_payload(data: dict, text: PersonalText) -> dict:
    """An event payload (or a stored copy) with personal keys overwritten and the person's details scrubbed
    from the rest. String values become ERASED (events keep validating), others None."""
    def walk(value: Any, key: str = "") -> Any:
        if key in PERSONAL_KEYS and value is not None:
            return ERASED if isinstance(value, str) else None
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return text.scrub(value)

    return walk(data)


async def scrub_outbox(collection: AsyncCollection, customer_id: str, text: PersonalText,
                       session: AsyncClientSession | None = None) -> int:
    """Overwrites the person's details in the outbox records about them (pending or already sent: a sent record
    is kept for the retention period). Pending ones stay publishable: only the payload's values change.
    Returns how many records changed."""
    needles = [re.escape(customer_id)] + ([re.escape(text.email)] if text.email else [])
    query = {"$or": [{"body": {"$regex": needle, "$options": "i"}} for needle in needles]}
    changed = 0
    for record in await collection.find(query, session=session).to_list():
        body = json.loads(record["body"])
        scrubbed = {**body, "data": scrub_payload(body.get("data") or {}, text)}
        if scrubbed != body:
            await collection.update_one({"_id": record["_id"]}, {"$set": {"body": json.dumps(scrubbed)}},
                                        session=session)
            changed += 1
    return changed
