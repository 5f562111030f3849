"""Routes: messages per customer (batch read for the gateway's Customer.messages loader)."""
from typing import Annotated

from fastapi import APIRouter, Query

from services.campaigns.api.deps import MAX_PAGE, DepsDep, Limit, Offset
from services.campaigns.api.models import MessagePublic, Page

router = APIRouter(tags=["messages"])


@router.get("/messages", response_model=dict[str, Page[MessagePublic]])
async def messages_by_customer_ids(deps: DepsDep, customer_ids: Annotated[str, Query(alias="customerIds")],
                                   limit: Limit = 20, offset: Offset = 0):
    """One page of messages per customer id, newest first."""
    ids = list(dict.fromkeys(i for i in customer_ids.split(",") if i))[:MAX_PAGE]
    pages = {}
    for customer_id in ids:
        docs, total = await deps.messages.page_for_customer(customer_id, limit, offset)
        pages[customer_id] = Page(items=[MessagePublic.from_doc(d) for d in docs], total=total, limit=limit,
                                  offset=offset)
    return pages
