"""Helpers for the order tests: what the customers service put in its outbox, and storefront order.placed events."""
import uuid
from datetime import datetime, timezone

from shared.events import contracts
from shared.events.envelope import Envelope
from tests.customers.factories import customer_body


async def new_customer(api, **overrides) -> str:
    response = await api.post("/customers", json=customer_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def published(app, event_type: str | None = None) -> list[Envelope]:
    """Every envelope in the customers service's outbox (of one type, if given), oldest first."""
    query = {"routingKey": event_type} if event_type else {}
    records = await app.state.runtime.outbox.collection.find(query).sort("createdAt", 1).to_list()
    return [Envelope.model_validate_json(record["body"]) for record in records]


async def published_for_order(app, order_id: str) -> list[str]:
    """The types of the order events published about one order, oldest first."""
    return [e.type for e in await published(app) if e.type.startswith("order.") and e.data.get("orderId") == order_id]


def storefront_order(customer_id: str, *, status: str = "paid", order_id: str | None = None,
                     unit_minor: int = 25_00, quantity: int = 2,
                     placed_at: datetime | None = None) -> contracts.OrderPlaced:
    return contracts.OrderPlaced(
        orderId=order_id or f"shop-{uuid.uuid4().hex[:12]}", customerId=customer_id, currency="USD", status=status,
        items=[{"sku": "TS-1", "name": "Tee", "quantity": quantity, "unitPriceMinor": unit_minor}],
        totalMinor=quantity * unit_minor, placedAt=placed_at or datetime(2026, 3, 1, 12, tzinfo=timezone.utc))


def from_storefront(event: contracts.OrderPlaced) -> Envelope:
    return Envelope.wrap(event, source="storefront")
