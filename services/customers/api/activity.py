"""Routes: a customer's activity timeline and recorded interactions."""
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from services.customers.api.deps import get_deps
from services.customers.api.models import ActivityPublic, Page
from services.customers.domain.activity import InteractionCreate
from services.customers.domain.queries import MAX_PAGE
from services.customers.handlers import profiles, timeline
from services.customers.handlers.deps import Deps

router = APIRouter(tags=["activity"])
DepsDep = Annotated[Deps, Depends(get_deps)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]  # beyond 8 bytes Mongo refuses the skip (a 500)


async def _page(deps: Deps, customer_id: str, limit: int, offset: int) -> Page[ActivityPublic]:
    docs, total = await deps.activity.page_for_customer(customer_id, limit, offset)
    return Page(items=[ActivityPublic.from_doc(d) for d in docs], total=total, limit=limit, offset=offset)


@router.get("/customers/{customer_id}/activity", response_model=Page[ActivityPublic])
async def list_activity(customer_id: str, deps: DepsDep, limit: Limit = 20, offset: Offset = 0):
    await profiles.get_customer(deps, customer_id)
    return await _page(deps, customer_id, limit, offset)


@router.post("/customers/{customer_id}/activity", status_code=201, response_class=Response)
async def record_interaction(customer_id: str, body: InteractionCreate, deps: DepsDep) -> Response:
    await timeline.record_interaction(deps, customer_id, body)
    return Response(status_code=201)


@router.get("/activity", response_model=dict[str, Page[ActivityPublic]])
async def activity_by_customer_ids(deps: DepsDep, customer_ids: Annotated[str, Query(alias="customerIds")],
                                   limit: Limit = 20, offset: Offset = 0):
    """Batch read for loaders: one page of timeline per customer id."""
    ids = list(dict.fromkeys(i for i in customer_ids.split(",") if i))[:MAX_PAGE]
    return {customer_id: await _page(deps, customer_id, limit, offset) for customer_id in ids}
