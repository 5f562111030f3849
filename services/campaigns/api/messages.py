"""Routes: messages per customer (batch read for the gateway's Customer.messages loader)."""
from fastapi import APIRouter

from services.campaigns.api.deps import DepsDep
from services.campaigns.api.models import MessagePublic
from shared.api import CustomerIds, Limit, Offset, Page

router = APIRouter(tags=["messages"])


@router.get("/messages", response_model=dict[str, Page[MessagePublic]])
async def messages_by_customer_ids(deps: DepsDep, customer_ids: CustomerIds, limit: Limit = 20, offset: Offset = 0):
    """One page of messages per customer id, newest first (an empty one for an unknown id), one query."""
    pages = await deps.messages.pages_for_customers(customer_ids, limit, offset)
    return {customer_id: Page(items=[MessagePublic.from_record(m) for m in items], total=total,
                              limit=limit, offset=offset) for customer_id, (items, total) in pages.items()}
