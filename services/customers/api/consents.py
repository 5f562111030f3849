"""Routes: a customer's consent ledger (read a page, record a grant or revoke) and the batch read for loaders."""
from datetime import datetime

from fastapi import APIRouter
from pydantic import Field

from services.customers.api.deps import DepsDep
from services.customers.domain.consents import ConsentCreate, ConsentRecord
from services.customers.handlers import consents
from services.customers.store.consents import ConsentPage
from shared.api import Correlation, CustomerIds, Limit, Offset, Page, PublicModel

router = APIRouter(tags=["consents"])


class ConsentPublic(PublicModel):
    id: str
    customer_id: str = Field(alias="customerId")
    channel: str
    purpose: str
    status: str = Field(description="granted, revoked, or pending (double opt-in not confirmed yet)")
    source: str
    occurred_at: datetime = Field(alias="occurredAt")
    recorded_at: datetime = Field(alias="recordedAt")
    wording: str | None = None
    form: str | None = None
    ip: str | None = None
    user_agent: str | None = Field(None, alias="userAgent")
    actor: dict | None = None
    campaign_id: str | None = Field(None, alias="campaignId")
    confirms: str | None = Field(None, description="a double opt-in grant: the pending record it confirms")

    @classmethod
    def from_record(cls, record: ConsentRecord) -> "ConsentPublic":
        return cls.model_validate(record.to_json())


def _page(found: ConsentPage, limit: int, offset: int) -> Page[ConsentPublic]:
    return Page(items=[ConsentPublic.from_record(r) for r in found.items], total=found.total, limit=limit,
                offset=offset)


@router.get("/customers/{customer_id}/consents", response_model=Page[ConsentPublic])
async def list_consents(customer_id: str, deps: DepsDep, limit: Limit = 20, offset: Offset = 0):
    """The ledger, newest first (by when each decision was given)."""
    return _page(await consents.page(deps, customer_id, limit, offset), limit, offset)


@router.post("/customers/{customer_id}/consents", response_model=ConsentPublic, status_code=201)
async def record_consent(customer_id: str, body: ConsentCreate, deps: DepsDep,
                         correlation: Correlation) -> ConsentPublic:
    """Appends one grant or revoke; a marketing one moves the channel's opt-in flag when it is the latest."""
    return ConsentPublic.from_record(await consents.record(deps, customer_id, body, correlation))


@router.get("/consents", response_model=dict[str, Page[ConsentPublic]])
async def consents_by_customer_ids(deps: DepsDep, customer_ids: CustomerIds, limit: Limit = 20, offset: Offset = 0):
    """Batch read for loaders: one page of the ledger per customer id (an empty one for an unknown id), one query."""
    pages = await deps.consents.pages_for_customers(customer_ids, limit, offset)
    return {customer_id: _page(found, limit, offset) for customer_id, found in pages.items()}
