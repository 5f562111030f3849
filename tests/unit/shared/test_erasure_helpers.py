"""The erasure helpers: suppression hashes of normalised contacts, and overwriting a person's details in text."""
import hashlib
from datetime import datetime, timezone

from services.customers.domain.erasure import scrubbed_entry, tombstone
from shared.erasure import ERASED, PersonalText, email_hash, phone_hash, scrub_payload


def test_hashes_are_sha256_hex_of_the_lower_cased_email_and_the_e164_phone():
    assert email_hash("  Ada.Lovelace@Example.ORG ") == hashlib.sha256(b"ada.lovelace@example.org").hexdigest()
    assert email_hash("ada.lovelace@example.org") == email_hash("ADA.LOVELACE@EXAMPLE.ORG")
    assert phone_hash("+1 (415) 555-0123") == phone_hash("+14155550123") == \
        hashlib.sha256(b"+14155550123").hexdigest()
    assert email_hash(None) is None and phone_hash("") is None


def test_text_is_scrubbed_of_the_email_in_any_case_the_phone_in_any_form_and_whole_names_only():
    text = PersonalText.of(email="Ada@Example.org", phone="+14155550123", names=("Ada", "Lovelace", "Al"))
    scrubbed = text.scrub("Mail ADA@example.ORG, call 14155550123 or +14155550123; Ada Lovelace, Adamant, Al")
    assert scrubbed == f"Mail {ERASED}, call {ERASED} or {ERASED}; {ERASED} {ERASED}, Adamant, Al"
    assert text.found_in("a note for ada@example.org") and not text.found_in("nothing personal")
    assert PersonalText.of().scrub("left as it is") == "left as it is"


def test_payloads_lose_personal_keys_at_any_depth_and_stay_valid_strings():
    text = PersonalText.of(email="ada@example.org")
    data = {"customerId": "c-1", "email": "ada@example.org", "phone": None, "firstName": "Ada",
            "input": {"notes": "write to ada@example.org", "tags": ["vip"]}, "points": 10}
    assert scrub_payload(data, text) == {"customerId": "c-1", "email": ERASED, "phone": None, "firstName": ERASED,
                                         "input": {"notes": ERASED, "tags": ["vip"]}, "points": 10}


def test_the_tombstone_keeps_only_figures_and_the_erasure_record():
    now = datetime(2026, 5, 1, tzinfo=timezone.utc)
    doc = {"_id": "c-1", "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.org", "emailKey": "ada@x",
           "phone": "+14155550123", "address": {"city": "Springfield"}, "dateOfBirth": "1990-01-01", "notes": "n",
           "avatar": "https://x/a.png", "searchPrefixes": ["a", "ad"], "searchText": "ada", "tags": ["vip"],
           "preferences": {"sizes": ["M"]}, "gender": "female", "status": "active", "totalSpentMinor": 12_000,
           "totalOrders": 3, "loyaltyPoints": 40, "registrationDate": now, "createdAt": now}
    kept = tombstone(doc, "request", {"subject": "sam"}, now)
    assert kept["status"] == "erased" and kept["emailKey"] == "erased:c-1" and kept["erasure"]["reason"] == "request"
    assert (kept["totalSpentMinor"], kept["totalOrders"], kept["loyaltyPoints"]) == (12_000, 3, 40)
    assert not {"firstName", "lastName", "email", "phone", "address", "dateOfBirth", "notes", "avatar", "gender",
                "preferences"} & set(kept)
    assert kept["searchPrefixes"] == [] and kept["tags"] == []


def test_an_interaction_summary_becomes_its_kind_and_other_summaries_are_scrubbed():
    text = PersonalText.of(email="ada@example.org", names=("Ada",))
    assert scrubbed_entry({"type": "interaction.support_contact", "summary": "Ada's card was declined"}, text) == \
        {"summary": "Support contact", "data": {}}
    assert scrubbed_entry({"type": "profile.updated", "summary": "Profile updated: email",
                           "data": {"fields": ["email"], "url": "https://x/?u=ada@example.org"}}, text) == \
        {"summary": "Profile updated: email", "data": {"fields": ["email"], "url": f"https://x/?u={ERASED}"}}
