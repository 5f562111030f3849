"""Routes: a customer's orders, status changes, and the batch read the gateway's loaders use."""
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from services.customers.api.deps import correlation_id, get_deps
from services.customers.api.models import BulkOrderResult, OrderPublic, Page
from services.customers.domain.orders import MAX_BULK_ORDERS, OrderCreate, OrderStatusChange, ReturnCreate
from services.customers.domain.queries import MAX_PAGE
from services.customers.handlers import bulk_orders, orders, profiles, returns
from services.customers.handlers.deps import Deps

router = APIRouter(tags=["orders"])
DepsDep = Annotated[Deps, Depends(get_deps)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]  # beyond 8 bytes Mongo refuses the skip (a 500)


def _page(deps: Deps, docs: list[dict], total: int, limit: int, offset: int) -> Page[OrderPublic]:
    return Page(items=[OrderPublic.from_doc(d, deps.settings.currency) for d in docs], total=total,
                limit=limit, offset=offset)


@router.post("/customers/{customer_id}/orders", response_model=OrderPublic, status_code=201)
async def record_order(customer_id: str, body: OrderCreate, deps: DepsDep,
                       correlation: Annotated[str | None, Depends(correlation_id)]) -> OrderPublic:
    await profiles.get_customer(deps, customer_id)
    return OrderPublic.from_doc(await orders.record_order(deps, customer_id, body, correlation), deps.settings.currency)


@router.get("/customers/{customer_id}/orders", response_model=Page[OrderPublic])
async def list_orders(customer_id: str, deps: DepsDep, limit: Limit = 20, offset: Offset = 0) -> Page[OrderPublic]:
    await profiles.get_customer(deps, customer_id)
    docs, total = await deps.orders.page_for_customer(customer_id, limit, offset)
    return _page(deps, docs, total, limit, offset)


@router.patch("/customers/{customer_id}/orders/{order_id}", response_model=OrderPublic)
async def change_order_status(customer_id: str, order_id: str, body: OrderStatusChange, deps: DepsDep,
                              correlation: Annotated[str | None, Depends(correlation_id)]) -> OrderPublic:
    updated = await orders.change_order_status(deps, customer_id, order_id, body, correlation)
    return OrderPublic.from_doc(updated, deps.settings.currency)


@router.post("/customers/{customer_id}/orders/{order_id}/returns", response_model=OrderPublic, status_code=201)
async def return_order_items(customer_id: str, order_id: str, body: ReturnCreate, deps: DepsDep,
                             correlation: Annotated[str | None, Depends(correlation_id)]) -> OrderPublic:
    """Some items of a paid order come back, with a reason; answers the order as it is after the return."""
    updated = await returns.return_items(deps, customer_id, order_id, body, correlation)
    return OrderPublic.from_doc(updated, deps.settings.currency)


class BulkOrders(BaseModel):
    # Rows are checked one by one in the handler, so a bad row gets its own result instead of failing the request.
    orders: list[dict] = Field(min_length=1, max_length=MAX_BULK_ORDERS)


class BulkOrdersAnswer(BaseModel):
    results: list[BulkOrderResult]


@router.post("/orders/batch", response_model=BulkOrdersAnswer)
async def record_orders(body: BulkOrders, deps: DepsDep,
                        correlation: Annotated[str | None, Depends(correlation_id)]) -> dict:
    """Up to 500 orders of any customers; one result per row, in order: a bad row stops no other."""
    return {"results": await bulk_orders.record_bulk(deps, body.orders, correlation)}


@router.get("/orders", response_model=dict[str, Page[OrderPublic]])
async def orders_by_customer_ids(deps: DepsDep, customer_ids: Annotated[str, Query(alias="customerIds")],
                                 limit: Limit = 20, offset: Offset = 0) -> dict[str, Page[OrderPublic]]:
    """Batch read for loaders: one page of orders per customer id (comma-separated, at most 100)."""
    ids = list(dict.fromkeys(i for i in customer_ids.split(",") if i))[:MAX_PAGE]
    pages = {}
    for customer_id in ids:
        docs, total = await deps.orders.page_for_customer(customer_id, limit, offset)
        pages[customer_id] = _page(deps, docs, total, limit, offset)
    return pages
