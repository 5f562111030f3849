"""Route: everything the customers service holds on one customer, for their data export (issue 13, "Access").

The part is built from named sections; a new kind of personal data joins the export as one line in SECTIONS.
Each section is the list the service's ordinary endpoints answer, whole rather than a page (bounded by
shared.data_export.MAX_ROWS per section: past it, 413 EXPORT_TOO_LARGE instead of a cut answer).
"""
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter

from services.customers.api.consents import ConsentPublic
from services.customers.api.deps import DepsDep
from services.customers.api.models import ActivityPublic, CustomerPublic, OrderPublic
from services.customers.handlers.deps import Deps
from shared.errors import NotFound

router = APIRouter(tags=["data export"])


@dataclass(frozen=True)
class Section:
    name: str
    read: Callable[[Deps, dict], Awaitable[Any]]  # (deps, the customer's document) -> JSON-ready value


async def _profile(deps: Deps, customer: dict) -> dict:
    return CustomerPublic.from_doc(customer).model_dump(mode="json", by_alias=True)


async def _orders(deps: Deps, customer: dict) -> list[dict]:
    return [OrderPublic.from_doc(d, deps.settings.currency).model_dump(mode="json", by_alias=True)
            for d in await deps.orders.all_for_customer(customer["_id"])]


async def _timeline(deps: Deps, customer: dict) -> list[dict]:
    return [ActivityPublic.from_entry(d).model_dump(mode="json", by_alias=True)
            for d in await deps.activity.all_for_customer(customer["_id"])]


async def _segments(deps: Deps, customer: dict) -> list[dict]:
    rows = await deps.segments.store.segments_of(customer["_id"])
    return [{**row, "since": row["since"].isoformat() if row.get("since") else None} for row in rows]


async def _consents(deps: Deps, customer: dict) -> list[dict]:
    # A handful of records per channel and decision: read whole (ConsentStore.for_customer), newest first.
    return [ConsentPublic.from_record(r).model_dump(mode="json", by_alias=True)
            for r in await deps.consents.for_customer(customer["_id"])]


SECTIONS: tuple[Section, ...] = (
    Section("profile", _profile),
    Section("orders", _orders),
    Section("timeline", _timeline),
    Section("segments", _segments),
    Section("consents", _consents),
)


@router.get("/customers/{customer_id}/data-export")
async def export_customer(customer_id: str, deps: DepsDep) -> dict:
    """The customer's part of a data export: {customerId, profile, orders, timeline, segments, ...}; 404 for an
    unknown id (field customerId)."""
    customer = await deps.customers.get(customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found", field="customerId")
    return {"customerId": customer_id, **{s.name: await s.read(deps, customer) for s in SECTIONS}}
