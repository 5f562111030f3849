"""The demo data generator: bodies the customers API accepts, unique emails, deterministic, orders in time."""
from datetime import date, datetime, timedelta, timezone

import phonenumbers
import pytest

from devstack.demo_data import HISTORY, SIZES, generate_customers
from services.customers.domain.customers import CustomerCreate
from services.customers.domain.orders import OrderCreate

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo():
    return generate_customers(400, seed=7, now=NOW)


def test_every_customer_body_passes_the_api_validation(demo):
    for customer in demo:
        model = CustomerCreate.model_validate(customer.body)
        assert model.registration_date is not None and model.registration_date.tzinfo is not None


def test_every_order_body_passes_the_api_validation(demo):
    orders = [order for customer in demo for order in customer.orders]
    assert orders, "some customers must have orders"
    for order in orders:
        model = OrderCreate.model_validate(order)
        assert model.placed_at.tzinfo is not None
        assert model.status in {"paid", "shipped", "delivered"}


def test_emails_are_unique_ignoring_case(demo):
    emails = [c.body["email"].lower() for c in demo]
    assert len(set(emails)) == len(emails)


def test_phones_are_valid_e164(demo):
    phones = [c.body["phone"] for c in demo if "phone" in c.body]
    assert len(phones) > len(demo) * 0.7
    for phone in phones:
        number = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(number), phone
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == phone


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    first = generate_customers(30, seed=11, now=NOW)
    assert first == generate_customers(30, seed=11, now=NOW)
    assert [c.body["email"] for c in first] != [c.body["email"] for c in generate_customers(30, seed=12, now=NOW)]


def test_registrations_spread_over_the_last_two_years(demo):
    registered = [datetime.fromisoformat(c.body["registrationDate"]) for c in demo]
    assert all(NOW - HISTORY <= r <= NOW for r in registered)
    assert min(registered) < NOW - timedelta(days=600)
    assert max(registered) > NOW - timedelta(days=130)


def test_orders_come_after_registration_oldest_first_and_not_in_the_future(demo):
    for customer in demo:
        registered = datetime.fromisoformat(customer.body["registrationDate"])
        placed = [datetime.fromisoformat(o["placedAt"]) for o in customer.orders]
        assert placed == sorted(placed)
        assert all(registered < p < NOW for p in placed)


def test_between_zero_and_eight_orders_with_ids_unique_across_customers(demo):
    counts = [len(c.orders) for c in demo]
    assert min(counts) == 0 and max(counts) <= 8 and sum(counts) > len(demo)
    ids = [o["id"] for c in demo for o in c.orders]
    assert len(set(ids)) == len(ids)


def test_recent_orders_are_not_yet_delivered(demo):
    for order in (o for c in demo for o in c.orders):
        age = NOW - datetime.fromisoformat(order["placedAt"])
        if age < timedelta(days=3):
            assert order["status"] == "paid"
        elif age > timedelta(days=10):
            assert order["status"] == "delivered"


def test_profiles_look_like_a_fashion_shop(demo):
    assert all(set(c.body["preferences"]["sizes"]) <= set(SIZES) for c in demo)
    assert all(c.body["preferences"]["categories"] for c in demo)
    tags = {t for c in demo for t in c.body["tags"]}
    assert {"vip", "newsletter"} <= tags
    ages = [(NOW.date() - date.fromisoformat(c.body["dateOfBirth"])).days / 365.25 for c in demo]
    assert 18 <= min(ages) and max(ages) <= 76


def test_sizes_and_prices_of_items(demo):
    for item in (i for c in demo for o in c.orders for i in o["items"]):
        assert item["quantity"] >= 1
        assert item["unitPrice"] > 0 and round(item["unitPrice"], 2) == item["unitPrice"]
        assert item.get("size") is None or item["size"] in SIZES


def test_no_customers():
    assert generate_customers(0, now=NOW) == []
    with pytest.raises(ValueError):
        generate_customers(-1, now=NOW)
