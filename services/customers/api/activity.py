"""Routes: a customer's activity timeline and recorded interactions."""
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import Field

from services.customers.api.deps import DepsDep
from services.customers.api.models import ActivityPublic
from services.customers.domain.activity import InteractionCreate
from services.customers.domain.activity_feed import checked_filter, parse_kinds
from services.customers.handlers import activity_feed, profiles, timeline
from shared.api import CustomerIds, Limit, Offset, Page, PublicModel
from shared.keyed_pages import KeyedPage
from shared.timestamps import Timestamp

router = APIRouter(tags=["activity"])


def _page(found: KeyedPage, limit: int, offset: int) -> Page[ActivityPublic]:
    return Page(items=[ActivityPublic.from_entry(e) for e in found.items], total=found.total, limit=limit,
                offset=offset)


@router.get("/customers/{customer_id}/activity", response_model=Page[ActivityPublic])
async def list_activity(customer_id: str, deps: DepsDep, limit: Limit = 20, offset: Offset = 0):
    await profiles.get_customer(deps, customer_id)
    return _page(await deps.activity.page_for_customer(customer_id, limit, offset), limit, offset)


@router.post("/customers/{customer_id}/activity", status_code=201, response_class=Response)
async def record_interaction(customer_id: str, body: InteractionCreate, deps: DepsDep) -> Response:
    await timeline.record_interaction(deps, customer_id, body)
    return Response(status_code=201)


@router.get("/activity", response_model=dict[str, Page[ActivityPublic]])
async def activity_by_customer_ids(deps: DepsDep, customer_ids: CustomerIds, limit: Limit = 20, offset: Offset = 0):
    """Batch read for loaders: one page of timeline per customer id (an empty one for an unknown id), one query."""
    pages = await deps.activity.pages_for_customers(customer_ids, limit, offset)
    return {customer_id: _page(found, limit, offset) for customer_id, found in pages.items()}


class FeedItem(ActivityPublic):
    customer_name: str | None = Field(None, alias="customerName", description="null: erased")
    cursor: str


class Feed(PublicModel):
    items: list[FeedItem]
    has_more: bool = Field(alias="hasMore")


@router.get("/activity/feed", response_model=Feed)
async def shop_feed(deps: DepsDep, limit: Limit = 20, after: Annotated[str | None, Query(max_length=400)] = None,
                    kinds: Annotated[str | None, Query(max_length=2000, description='comma-separated: "order.placed", '
                                                       'or a family such as "order"')] = None,
                    customer_id: Annotated[str | None, Query(alias="customerId", max_length=128)] = None,
                    since: Timestamp | None = None, until: Timestamp | None = None) -> Feed:
    """Every customer's timeline entries, newest first; `after` is the cursor of the last item seen."""
    wanted = checked_filter(parse_kinds(kinds), customer_id, since, until)
    page = await activity_feed.feed_page(deps, wanted, limit, after)
    return Feed(hasMore=page["hasMore"], items=[
        FeedItem(**ActivityPublic.from_entry(item["entry"]).model_dump(), customerName=item["customerName"],
                 cursor=item["cursor"]) for item in page["items"]])
