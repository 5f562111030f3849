"""Routes: /loyalty-programs, one program, and its analytics."""
from typing import Annotated

from fastapi import APIRouter, Query

from services.loyalty.api.deps import DepsDep
from services.loyalty.api.views import page, program_view
from services.loyalty.domain.programs import ProgramCreate, ProgramUpdate
from services.loyalty.domain.records import Program
from services.loyalty.handlers import analytics, programs
from services.loyalty.handlers.deps import Deps
from shared.api import Limit, Offset
from shared.timestamps import AwareTimestamp

router = APIRouter(prefix="/loyalty-programs", tags=["loyalty programs"])


async def _with_stock(deps: Deps, program: Program) -> dict:
    limited = program.limited_reward_ids
    return program_view(program, await deps.programs.stock_left(limited) if limited else {})


@router.get("")
async def list_programs(deps: DepsDep, limit: Limit = 20, offset: Offset = 0) -> dict:
    found, total = await deps.programs.page(limit, offset)
    return page([await _with_stock(deps, p) for p in found], total, limit, offset)


@router.post("", status_code=201)
async def create_program(body: ProgramCreate, deps: DepsDep) -> dict:
    return await _with_stock(deps, await programs.create_program(deps, body))


@router.get("/{program_id}")
async def get_program(program_id: str, deps: DepsDep) -> dict:
    return await _with_stock(deps, await programs.get_program(deps, program_id))


@router.put("/{program_id}")
async def update_program(program_id: str, body: ProgramUpdate, deps: DepsDep) -> dict:
    return await _with_stock(deps, await programs.update_program(deps, program_id, body))


@router.get("/{program_id}/analytics")
async def program_analytics(program_id: str, deps: DepsDep,
                            since: Annotated[AwareTimestamp | None, Query(alias="from")] = None,
                            until: Annotated[AwareTimestamp | None, Query(alias="to")] = None) -> dict:
    return await analytics.program_analytics(deps, program_id, since, until)
