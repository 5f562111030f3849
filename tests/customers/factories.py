"""Request bodies for tests."""
import uuid


def customer_body(**overrides) -> dict:
    body = {
        "firstName": "Ada", "lastName": "Lovelace", "email": f"ada.{uuid.uuid4().hex[:8]}@example.com",
        "phone": "+14155550123", "gender": "female", "dateOfBirth": "1990-12-10",
        "address": {"street": "1 Main St", "city": "Springfield", "state": "IL", "zipCode": "62701", "country": "US"},
        "preferences": {"sizes": ["M"], "colors": ["black"], "brands": ["Joantees"], "categories": ["dresses"]},
        "communication": {"email": True, "sms": True, "push": False},
        "tags": ["VIP", "newsletter"], "notes": "Prefers evening delivery",
        "avatar": "https://example.com/ada.png",
    }
    body.update(overrides)
    return body


def order_body(**overrides) -> dict:
    body = {"items": [
        {"sku": "DR-001", "name": "Linen dress", "quantity": 2, "unitPrice": 49.99, "size": "M", "color": "black"},
        {"sku": "SC-002", "name": "Silk scarf", "quantity": 1, "unitPrice": 19.5},
    ]}
    body.update(overrides)
    return body
