"""Routes: POST /merges (fold one customer into another) and GET /duplicates (likely pairs, keyset-paged)."""
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from services.customers.api.deps import DepsDep
from services.customers.api.models import CustomerPublic
from services.customers.domain.merging import MergeRequest
from services.customers.handlers import duplicates, merges
from shared.api import Correlation, PublicModel

router = APIRouter(tags=["merges"])
MAX_PAIRS = 100


class MergePublic(PublicModel):
    kept: CustomerPublic
    merged_id: str = Field(alias="mergedId")
    moved_orders: int = Field(alias="movedOrders")
    moved_timeline_entries: int = Field(alias="movedTimelineEntries")
    moved_consents: int = Field(alias="movedConsents")


class DuplicatePairPublic(PublicModel):
    customer_ids: list[str] = Field(alias="customerIds", description="the two customers, in id order")
    reasons: list[str] = Field(description="SAME_PHONE and/or SIMILAR_NAME_SAME_ZIP")


class DuplicatePage(PublicModel):
    items: list[DuplicatePairPublic]
    next_cursor: str | None = Field(alias="nextCursor", description="pass as `after` for the next page; "
                                                                    "null: this is the last page")


@router.post("/merges", response_model=MergePublic)
async def merge_customers(body: MergeRequest, deps: DepsDep, correlation: Correlation) -> MergePublic:
    done = await merges.merge_customers(deps, body, correlation)
    return MergePublic(kept=CustomerPublic.from_doc(done.kept), mergedId=done.merged_id, movedOrders=done.orders,
                       movedTimelineEntries=done.timeline_entries, movedConsents=done.consents)


@router.get("/duplicates", response_model=DuplicatePage)
async def duplicate_customers(deps: DepsDep, first: Annotated[int, Query(ge=1, le=MAX_PAIRS)] = 20,
                              after: Annotated[str | None, Query(max_length=2000)] = None) -> DuplicatePage:
    pairs, next_cursor = await duplicates.duplicate_pairs(deps, first, after)
    return DuplicatePage(items=[DuplicatePairPublic(customerIds=[p.first_id, p.second_id], reasons=list(p.reasons))
                                for p in pairs], nextCursor=next_cursor)
