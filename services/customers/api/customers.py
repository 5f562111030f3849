"""Routes: /customers and /customers/stats."""
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.customers.api.deps import DepsDep
from services.customers.api.models import CustomerPublic, CustomerStats
from services.customers.domain.customers import CustomerCreate, CustomerUpdate
from services.customers.domain.queries import CustomerQuery
from services.customers.handlers import merges, profiles, stats
from shared.api import Correlation, Page
from shared.money import to_units

router = APIRouter(prefix="/customers", tags=["customers"])


@router.get("", response_model=Page[CustomerPublic])
async def list_customers(deps: DepsDep, query: Annotated[CustomerQuery, Query()]) -> Page[CustomerPublic]:
    docs, total = await deps.customers.search(query)
    if query.ids and query.offset == 0:
        # The batch read by id (the gateway's loader) answers merged ids too, with their tombstones.
        tombstones = await merges.tombstones_among(deps, query.ids, docs)
        docs, total = docs + tombstones, total + len(tombstones)
    return Page(items=[CustomerPublic.from_doc(d) for d in docs], total=total, limit=query.limit, offset=query.offset)


@router.get("/stats", response_model=CustomerStats)
async def customer_stats(deps: DepsDep) -> CustomerStats:
    figures = await stats.customer_stats(deps)
    return CustomerStats(averageOrderValue=to_units(figures.pop("averageOrderValueMinor")), **figures)


@router.post("", response_model=CustomerPublic, status_code=201)
async def create_customer(body: CustomerCreate, deps: DepsDep, correlation: Correlation) -> CustomerPublic:
    return CustomerPublic.from_doc(await profiles.create_customer(deps, body, correlation))


@router.get("/{customer_id}", response_model=CustomerPublic)
async def get_customer(customer_id: str, deps: DepsDep) -> CustomerPublic:
    return CustomerPublic.from_doc(await profiles.get_customer(deps, customer_id))


@router.put("/{customer_id}", response_model=CustomerPublic)
@router.patch("/{customer_id}", response_model=CustomerPublic, include_in_schema=False)
async def update_customer(customer_id: str, body: CustomerUpdate, deps: DepsDep,
                          correlation: Correlation) -> CustomerPublic:
    return CustomerPublic.from_doc(await profiles.update_customer(deps, customer_id, body, correlation))


@router.delete("/{customer_id}", status_code=204)
async def delete_customer(customer_id: str, deps: DepsDep, correlation: Correlation) -> Response:
    await profiles.delete_customer(deps, customer_id, correlation)
    return Response(status_code=204)
