"""Routes: a customer's loyalty account, ledger, points and redemptions; the batch reads the gateway uses."""
from fastapi import APIRouter

from services.loyalty.api.deps import DepsDep
from services.loyalty.api.views import account_public, entry_view, page, redemption_view
from services.loyalty.domain.codes import PointsDeduct
from services.loyalty.domain.commands import PointsAdd, RedeemRequest
from services.loyalty.handlers import accounts, deductions, points, redeem
from services.loyalty.handlers.members import require_member
from shared.api import Correlation, CustomerIds, Limit, Offset

router = APIRouter(tags=["loyalty members"])


@router.get("/customers/{customer_id}/loyalty")
async def get_account(customer_id: str, deps: DepsDep) -> dict:
    return account_public(await accounts.account_for(deps, customer_id))


@router.get("/customers/{customer_id}/loyalty/ledger")
async def get_ledger(customer_id: str, deps: DepsDep, limit: Limit = 20, offset: Offset = 0) -> dict:
    await require_member(deps, customer_id)
    found = await deps.ledger.page_for_customer(customer_id, limit, offset)
    return page([entry_view(d) for d in found.items], found.total, limit, offset)


@router.post("/customers/{customer_id}/loyalty/points", status_code=201)
async def add_points(customer_id: str, body: PointsAdd, deps: DepsDep, correlation: Correlation) -> dict:
    entry, _ = await points.add_points(deps, customer_id, body, correlation)
    return {"entry": entry_view(entry), "account": account_public(await accounts.account_for(deps, customer_id))}


@router.post("/customers/{customer_id}/loyalty/deductions", status_code=201)
async def deduct_points(customer_id: str, body: PointsDeduct, deps: DepsDep, correlation: Correlation) -> dict:
    entry, _ = await deductions.deduct(deps, customer_id, body, correlation)
    return {"entry": entry_view(entry), "account": account_public(await accounts.account_for(deps, customer_id))}


@router.post("/customers/{customer_id}/loyalty/redeem", status_code=201)
async def redeem_reward(customer_id: str, body: RedeemRequest, deps: DepsDep, correlation: Correlation) -> dict:
    return redemption_view(await redeem.redeem(deps, customer_id, body, correlation))


@router.get("/loyalty/accounts")
async def accounts_by_customer_ids(deps: DepsDep, customer_ids: CustomerIds) -> dict:
    """Batch read for loaders: customer id -> account (zero points in the first tier when there is none)."""
    found = await accounts.accounts_for(deps, customer_ids)
    return {cid: account_public(view) for cid, view in found.items()}


@router.get("/loyalty/ledger")
async def ledgers_by_customer_ids(deps: DepsDep, customer_ids: CustomerIds, limit: Limit = 20,
                                  offset: Offset = 0) -> dict:
    """Batch read for loaders: one ledger page per customer id (an empty one for an unknown id), one query."""
    pages = await deps.ledger.pages_for_customers(customer_ids, limit, offset)
    return {customer_id: page([entry_view(d) for d in found.items], found.total, limit, offset)
            for customer_id, found in pages.items()}
