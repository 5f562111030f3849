"""Route: everything loyalty holds on one customer, for their data export (issue 13, "Access").

The account as GET /customers/{id}/loyalty shows it, every ledger entry as the ledger pages show them, and every
reward code issued with where it stands (issued, consumed, voided) as GET /loyalty/codes/{code} shows it. Whole,
not a page: each list is bounded by shared.data_export.MAX_ROWS (past it, 413 EXPORT_TOO_LARGE, never a cut).
"""
from fastapi import APIRouter

from services.loyalty.api.deps import DepsDep
from services.loyalty.api.views import account_public, code_view, entry_view
from services.loyalty.handlers import accounts

router = APIRouter(tags=["data export"])


@router.get("/customers/{customer_id}/data-export")
async def export_customer(customer_id: str, deps: DepsDep) -> dict:
    """What loyalty holds on this id: {customerId, account, ledger, redemptions}. An id loyalty never heard of
    answers a zero account and empty lists (whether the customer exists is the customers service's answer: the
    gateway asks it, and loyalty does not call it back here)."""
    account = (await accounts.accounts_for(deps, [customer_id]))[customer_id]
    return {"customerId": customer_id, "account": account_public(account),
            "ledger": [entry_view(e) for e in await deps.ledger.all_for_customer(customer_id)],
            "redemptions": [code_view(r) for r in await deps.redemptions.all_for_customer(customer_id)]}
