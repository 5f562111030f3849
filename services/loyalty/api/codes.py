"""Routes: reward codes at checkout (look up, validate, consume once per order, void); internal, via the gateway."""
from fastapi import APIRouter

from services.loyalty.api.deps import DepsDep
from services.loyalty.api.views import code_view
from services.loyalty.domain.codes import CodeConsume, CodeValidate, CodeVoid
from services.loyalty.handlers import codes
from shared.api import Correlation

router = APIRouter(prefix="/loyalty/codes", tags=["loyalty reward codes"])


@router.get("/{code}")
async def get_code(code: str, deps: DepsDep) -> dict:
    return code_view(await codes.code_doc(deps, code))


@router.post("/{code}/validate")
async def validate_code(code: str, body: CodeValidate, deps: DepsDep) -> dict:
    """200 whether valid or not: it answers a question; an unknown code is 404."""
    return await codes.validate(deps, code, body)


@router.post("/{code}/consume")
async def consume_code(code: str, body: CodeConsume, deps: DepsDep) -> dict:
    return code_view(await codes.consume(deps, code, body))


@router.post("/{code}/void")
async def void_code(code: str, body: CodeVoid, deps: DepsDep, correlation: Correlation) -> dict:
    return code_view(await codes.void(deps, code, body, correlation))
