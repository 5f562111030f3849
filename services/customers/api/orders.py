"""Routes: a customer's orders, status changes, and the batch read the gateway's loaders use."""
from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.customers.api.deps import DepsDep
from services.customers.api.models import BulkOrderResult, OrderPublic
from services.customers.domain.orders import MAX_BULK_ORDERS, OrderCreate, OrderStatusChange, ReturnCreate
from services.customers.handlers import bulk_orders, orders, profiles, returns
from services.customers.handlers.deps import Deps
from shared.api import Correlation, CustomerIds, Limit, Offset, Page
from shared.keyed_pages import KeyedPage

router = APIRouter(tags=["orders"])


def _page(deps: Deps, found: KeyedPage, limit: int, offset: int) -> Page[OrderPublic]:
    return Page(items=[OrderPublic.from_doc(d, deps.settings.currency) for d in found.items], total=found.total,
                limit=limit, offset=offset)


@router.post("/customers/{customer_id}/orders", response_model=OrderPublic, status_code=201)
async def record_order(customer_id: str, body: OrderCreate, deps: DepsDep,
                       correlation: Correlation) -> OrderPublic:
    await profiles.get_customer(deps, customer_id)
    return OrderPublic.from_doc(await orders.record_order(deps, customer_id, body, correlation), deps.settings.currency)


@router.get("/customers/{customer_id}/orders", response_model=Page[OrderPublic])
async def list_orders(customer_id: str, deps: DepsDep, limit: Limit = 20, offset: Offset = 0) -> Page[OrderPublic]:
    await profiles.get_customer(deps, customer_id)
    return _page(deps, await deps.orders.page_for_customer(customer_id, limit, offset), limit, offset)


@router.patch("/customers/{customer_id}/orders/{order_id}", response_model=OrderPublic)
async def change_order_status(customer_id: str, order_id: str, body: OrderStatusChange, deps: DepsDep,
                              correlation: Correlation) -> OrderPublic:
    updated = await orders.change_order_status(deps, customer_id, order_id, body, correlation)
    return OrderPublic.from_doc(updated, deps.settings.currency)


@router.post("/customers/{customer_id}/orders/{order_id}/returns", response_model=OrderPublic, status_code=201)
async def return_order_items(customer_id: str, order_id: str, body: ReturnCreate, deps: DepsDep,
                             correlation: Correlation) -> OrderPublic:
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
                        correlation: Correlation) -> dict:
    """Up to 500 orders of any customers; one result per row, in order: a bad row stops no other."""
    return {"results": await bulk_orders.record_bulk(deps, body.orders, correlation)}


@router.get("/orders", response_model=dict[str, Page[OrderPublic]])
async def orders_by_customer_ids(deps: DepsDep, customer_ids: CustomerIds, limit: Limit = 20,
                                 offset: Offset = 0) -> dict[str, Page[OrderPublic]]:
    """Batch read for loaders: one page of orders per customer id (an empty one for an unknown id), one query."""
    pages = await deps.orders.pages_for_customers(customer_ids, limit, offset)
    return {customer_id: _page(deps, found, limit, offset) for customer_id, found in pages.items()}
