"""Demo customers of a fashion shop and their orders: pure data, deterministic for a seed and a `now`, no I/O.

Each customer comes as the bodies the customers REST API takes: one for POST /customers and one per
order for POST /customers/{id}/orders, oldest first.
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from random import Random

import phonenumbers
from faker import Faker

DEFAULT_SEED = 20240601
HISTORY = timedelta(days=730)

SIZES = ["XS", "S", "M", "L", "XL"]
COLORS = ["black", "white", "navy", "beige", "olive", "burgundy", "camel", "grey", "ivory", "blush",
          "forest green", "denim blue", "terracotta", "sage"]
BRANDS = ["Joantees", "Maison Lune", "Atelier Nove", "Northbound", "Urban Thread", "Coastline",
          "Kinfolk Denim", "Vera Studio", "Solstice Knits", "Harbor & Pine"]
CATEGORIES = ["dresses", "tops", "knitwear", "denim", "trousers", "skirts", "outerwear", "shoes",
              "accessories", "activewear"]
# (tag, how often a customer carries it)
TAGS = [("newsletter", 0.55), ("vip", 0.08), ("sale-hunter", 0.2), ("eco-conscious", 0.12),
        ("gift-buyer", 0.1), ("returns-often", 0.05), ("early-access", 0.06)]
DEMO_CONSENT = {"source": "signup_form", "form": "demo-data",
                "wording": "Yes, send me Joantees news and offers. I can unsubscribe at any time."}
NOTES = ["Prefers evening delivery", "Asked about the petite range", "Allergic to wool; suggest cotton blends",
         "Returns items often; check fit notes", "Buys gifts every December", "Likes to hear about new drops first",
         "Prefers store pickup", "Requested no SMS before 9am"]
# Area codes of large US cities; with 555-0100..0199, the range reserved for fiction, no real line is hit.
AREA_CODES = ["212", "213", "305", "312", "404", "415", "503", "512", "602", "617", "646", "702", "713", "718",
              "773", "818", "917", "206", "214", "303"]

# (sku prefix, category, product name, list price in dollars)
CATALOGUE = [
    ("DR", "dresses", "Linen wrap dress", 89.00), ("DR", "dresses", "Satin slip dress", 119.00),
    ("DR", "dresses", "Floral midi dress", 74.50), ("TP", "tops", "Organic cotton tee", 24.99),
    ("TP", "tops", "Silk camisole", 59.00), ("TP", "tops", "Striped Breton top", 39.95),
    ("KN", "knitwear", "Merino crew sweater", 95.00), ("KN", "knitwear", "Chunky cable cardigan", 129.00),
    ("DN", "denim", "High-rise straight jeans", 79.00), ("DN", "denim", "Wide-leg jeans", 84.50),
    ("DN", "denim", "Denim jacket", 99.00), ("TR", "trousers", "Pleated wool trousers", 110.00),
    ("TR", "trousers", "Linen drawstring pants", 64.99), ("SK", "skirts", "Pleated midi skirt", 69.00),
    ("SK", "skirts", "Denim mini skirt", 45.00), ("OW", "outerwear", "Trench coat", 189.00),
    ("OW", "outerwear", "Quilted puffer jacket", 149.50), ("OW", "outerwear", "Wool blend overcoat", 229.00),
    ("SH", "shoes", "Leather ankle boots", 159.00), ("SH", "shoes", "Canvas sneakers", 55.00),
    ("SH", "shoes", "Strappy sandals", 68.00), ("AC", "accessories", "Silk scarf", 35.00),
    ("AC", "accessories", "Leather tote bag", 139.00), ("AC", "accessories", "Wool beanie", 22.50),
    ("AC", "accessories", "Leather belt", 42.00), ("AW", "activewear", "Seamless leggings", 49.99),
    ("AW", "activewear", "Zip-up running jacket", 79.95), ("AW", "activewear", "Sports bra", 34.00),
]
ONE_SIZE = {"accessories"}
ORDERS_PER_CUSTOMER_WEIGHTS = [18, 20, 16, 13, 10, 8, 6, 5, 4]  # 0..8 orders


@dataclass(frozen=True)
class DemoCustomer:
    body: dict
    """POST /customers body."""
    orders: list[dict]
    """POST /customers/{id}/orders bodies, oldest first, each placed after registrationDate."""


def generate_customers(count: int, *, seed: int = DEFAULT_SEED, now: datetime | None = None) -> list[DemoCustomer]:
    """`count` customers with unique emails; the same seed and `now` give the same data."""
    if count < 0:
        raise ValueError("count must not be negative")
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng: Random = fake.random
    emails: set[str] = set()
    customers = []
    for index in range(count):
        body = _customer(fake, rng, now, emails)
        registered = datetime.fromisoformat(body["registrationDate"])
        orders = _orders(rng, body, registered, now, order_prefix=f"demo-{seed}-{index:06d}")
        customers.append(DemoCustomer(body=body, orders=orders))
    return customers


def _customer(fake: Faker, rng: Random, now: datetime, emails: set[str]) -> dict:
    gender = rng.choices(["female", "male", "other"], weights=[60, 35, 5])[0]
    if gender == "female":
        first = fake.first_name_female()
    elif gender == "male":
        first = fake.first_name_male()
    else:
        first = fake.first_name_nonbinary()
    last = fake.last_name()
    state = fake.state_abbr(include_territories=False)
    registered = now - timedelta(seconds=rng.randint(0, int(HISTORY.total_seconds())))
    birth = now.date() - timedelta(days=rng.randint(18 * 365 + 5, 75 * 365))
    size_at = rng.randrange(len(SIZES))
    sizes = SIZES[size_at:size_at + rng.choice([1, 1, 2])]
    body = {
        "firstName": first,
        "lastName": last,
        "email": _unique_email(fake, rng, first, last, emails),
        "gender": gender,
        "dateOfBirth": birth.isoformat(),
        "address": {"street": fake.street_address(), "city": fake.city(), "state": state,
                    "zipCode": fake.zipcode_in_state(state), "country": "US"},
        "preferences": {"sizes": sizes, "colors": rng.sample(COLORS, rng.randint(1, 3)),
                        "brands": rng.sample(BRANDS, rng.randint(1, 3)),
                        "categories": rng.sample(CATEGORIES, rng.randint(1, 4))},
        "communication": {"email": rng.random() < 0.85, "sms": rng.random() < 0.35, "push": rng.random() < 0.25},
        # Customers are opted out until consent arrives with a source: the demo's opt-ins came from the shop's
        # signup form (recorded in each customer's consent ledger).
        "consent": DEMO_CONSENT,
        "status": rng.choices(["active", "inactive", "suspended"], weights=[88, 9, 3])[0],
        "tags": [tag for tag, share in TAGS if rng.random() < share],
        "registrationDate": registered.isoformat(),
    }
    if rng.random() < 0.9:
        body["phone"] = demo_phone(rng)
    if rng.random() < 0.15:
        body["notes"] = rng.choice(NOTES)
    return body


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower()) or "customer"


def _unique_email(fake: Faker, rng: Random, first: str, last: str, taken: set[str]) -> str:
    first, last = _ascii(first), _ascii(last)
    local = rng.choice([f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}", f"{first}.{last}{rng.randint(1, 99)}",
                        f"{first}_{last}"])
    domain = fake.free_email_domain()
    email, n = f"{local}@{domain}", 1
    while email in taken:
        n += 1
        email = f"{local}{n}@{domain}"
    taken.add(email)
    return email


def demo_phone(rng: Random) -> str:
    """A valid E.164 US number in the 555-01xx range kept for fiction."""
    while True:
        candidate = f"+1{rng.choice(AREA_CODES)}55501{rng.randint(0, 99):02d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
            return candidate


def _orders(rng: Random, customer: dict, registered: datetime, now: datetime, order_prefix: str) -> list[dict]:
    count = rng.choices(range(len(ORDERS_PER_CUSTOMER_WEIGHTS)), weights=ORDERS_PER_CUSTOMER_WEIGHTS)[0]
    first, last = registered + timedelta(hours=1), now - timedelta(hours=1)
    if count == 0 or last <= first:
        return []
    span = int((last - first).total_seconds())
    times = sorted(first + timedelta(seconds=rng.randint(0, span)) for _ in range(count))
    preferences = customer["preferences"]
    orders = []
    for n, placed in enumerate(times, start=1):
        age = now - placed
        status = "paid" if age < timedelta(days=3) else "shipped" if age < timedelta(days=10) else "delivered"
        items = [_item(rng, preferences) for _ in range(rng.choices([1, 2, 3, 4], weights=[50, 30, 14, 6])[0])]
        orders.append({"id": f"{order_prefix}-{n}", "items": items, "placedAt": placed.isoformat(), "status": status})
    return orders


def _item(rng: Random, preferences: dict) -> dict:
    # Customers mostly buy what they said they like.
    liked = [i for i, p in enumerate(CATALOGUE) if p[1] in preferences["categories"]]
    index = rng.choice(liked if liked and rng.random() < 0.75 else range(len(CATALOGUE)))
    prefix, category, name, price = CATALOGUE[index]
    if rng.random() < 0.2:  # bought on sale
        price = round(price * 0.7, 2)
    color = rng.choice(preferences["colors"] if rng.random() < 0.7 else COLORS)
    item = {"sku": f"{prefix}-{index + 1:03d}-{_ascii(color)[:6].upper()}", "name": name,
            "quantity": rng.choices([1, 2, 3], weights=[85, 12, 3])[0], "unitPrice": price, "color": color}
    if category not in ONE_SIZE:
        item["size"] = rng.choice(preferences["sizes"] if rng.random() < 0.85 else SIZES)
    return item
