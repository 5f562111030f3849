"""The merge's pure rules: which profile fields the kept customer ends with, the totals from order figures, and the
duplicate keys and pairs."""
from datetime import datetime, timezone

import pytest

from services.customers.domain.duplicates import Position, group_pairs, name_key, name_zip_key, zip_key
from services.customers.domain.merging import profile_changes, tombstone, totals_from
from shared.errors import ValidationFailed

JAN, MAR = datetime(2025, 1, 1, tzinfo=timezone.utc), datetime(2025, 3, 1, tzinfo=timezone.utc)


def test_the_kept_value_stays_unless_empty():
    kept = {"_id": "k", "phone": "+14155550123", "gender": None, "address": {"city": None, "zipCode": ""},
            "tags": ["vip"], "preferences": {"sizes": ["M"]}, "notes": None, "registrationDate": MAR}
    merged = {"_id": "m", "phone": "+14155550999", "gender": "female", "address": {"city": "Paris", "zipCode": "75001"},
              "tags": ["sale", "vip"], "preferences": {"sizes": ["L", "M"], "colors": ["red"]}, "notes": "Call first",
              "registrationDate": JAN, "avatar": None}
    changes = profile_changes(kept, merged)
    assert "phone" not in changes and "avatar" not in changes  # kept's phone stays; nothing to fill the avatar with
    assert changes["gender"] == "female" and changes["address"] == {"city": "Paris", "zipCode": "75001"}
    assert changes["tags"] == ["sale", "vip"]
    assert changes["preferences"] == {"sizes": ["M", "L"], "colors": ["red"], "brands": [], "categories": []}
    assert changes["notes"] == "[merged from customer m]\nCall first"
    assert changes["registrationDate"] == JAN


def test_nothing_changes_when_the_merged_profile_adds_nothing():
    kept = {"_id": "k", "tags": ["a"], "preferences": {"sizes": [], "colors": [], "brands": [], "categories": []},
            "notes": "n", "registrationDate": JAN}
    assert profile_changes(kept, {"_id": "m", "tags": ["a"], "registrationDate": MAR}) == {}


def test_totals_count_what_the_incremental_rules_count():
    rows = [{"_id": "paid", "spent": 10_000, "orders": 2, "latest": JAN},
            {"_id": "refunded", "spent": 5_000, "orders": 1, "latest": MAR},
            {"_id": "pending", "spent": 300, "orders": 1, "latest": JAN}]
    assert totals_from(rows) == {"totalSpentMinor": 10_300, "totalOrders": 3, "lastPurchaseDate": MAR}
    assert totals_from([]) == {"totalSpentMinor": 0, "totalOrders": 0, "lastPurchaseDate": None}


def test_the_tombstone_keeps_names_and_email_only():
    merged = {"_id": "m", "firstName": "Ada", "lastName": "L", "email": "a@x.org", "phone": "+1415", "notes": "n",
              "address": {"city": "Paris"}, "status": "active", "registrationDate": JAN, "createdAt": JAN}
    doc = tombstone(merged, "k", MAR, None)
    assert doc["mergedInto"] == "k" and doc["firstName"] == "Ada" and doc["email"] == "a@x.org"
    assert not {"phone", "notes", "address"} & set(doc)


def test_name_and_zip_keys_set_case_accents_spacing_punctuation_and_order_aside():
    assert name_key("José  María", "López") == name_key("lopez", "jose-maria") == "jose lopez maria"
    assert zip_key(" sw1a 1aa ") == zip_key("SW1A-1AA") == "sw1a1aa"
    assert name_zip_key({"firstName": "Ada", "lastName": "L", "address": {}}) is None
    assert name_zip_key({"firstName": "", "lastName": "", "address": {"zipCode": "1"}}) is None


def test_group_pairs_lists_each_pair_once_with_its_reasons():
    members = [{"id": "c", "phone": "+1", "nameZipKey": "z|a"}, {"id": "a", "phone": "+1", "nameZipKey": "z|a"},
               {"id": "b", "phone": None, "nameZipKey": "z|a"}]
    by_name = group_pairs("SIMILAR_NAME_SAME_ZIP", "z|a", members)
    assert [(p.first_id, p.second_id) for p in by_name] == [("a", "b"), ("b", "c")]  # a-c went under the phone
    assert [p.position.index for p in by_name] == [0, 1]
    [by_phone] = group_pairs("SAME_PHONE", "+1", members[:2])
    assert (by_phone.first_id, by_phone.reasons) == ("a", ("SAME_PHONE", "SIMILAR_NAME_SAME_ZIP"))


def test_cursors_round_trip_and_bad_ones_are_refused():
    position = Position("SIMILAR_NAME_SAME_ZIP", "z|a", 3)
    assert Position.decode(position.encode()) == position
    for bad in ("nope", Position("OTHER", "k", 0).encode(), Position("SAME_PHONE", "k", -1).encode()):
        with pytest.raises(ValidationFailed):
            Position.decode(bad)
