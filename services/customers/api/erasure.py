"""Route: POST /customers/{id}/erasure, the right to erasure (the gateway's eraseCustomer)."""
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from services.customers.api.deps import DepsDep
from services.customers.domain.erasure import ErasureRequest
from services.customers.handlers import erasure
from shared.api import Correlation

router = APIRouter(prefix="/customers", tags=["customers"])


class ErasurePublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    status: str = "erased"
    erasedAt: datetime
    reason: str
    alreadyErased: bool


@router.post("/{customer_id}/erasure", response_model=ErasurePublic,
             description="Overwrites the customer's personal data everywhere (customer.erased tells the other "
                         "services); orders and totals stay under the id. Erasing again changes nothing "
                         "(alreadyErased: true). 404 for an unknown id.")
async def erase_customer(customer_id: str, body: ErasureRequest, deps: DepsDep,
                         correlation: Correlation) -> ErasurePublic:
    done = await erasure.erase_customer(deps, customer_id, body.reason, correlation)
    return ErasurePublic(id=done.customer_id, erasedAt=done.erased_at, reason=done.reason,
                         alreadyErased=done.already_erased)
