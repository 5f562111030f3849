"""Program commands: create, update, read; and the default program every fresh system starts with."""
from pymongo.asynchronous.client_session import AsyncClientSession

from services.loyalty.domain.documents import default_program, new_program, updated_program
from services.loyalty.domain.programs import ProgramCreate, ProgramUpdate, check_program
from services.loyalty.domain.records import Program
from services.loyalty.handlers.deps import Deps, utcnow
from shared.errors import Conflict, NotFound


async def ensure_default_program(deps: Deps) -> bool:
    """Creates the default program if there is no program at all; safe when replicas start together."""
    if await deps.programs.count() > 0:
        return False
    return await deps.programs.insert_if_absent(default_program(utcnow()))


async def get_program(deps: Deps, program_id: str) -> Program:
    program = await deps.programs.get(program_id)
    if program is None:
        raise NotFound(f"loyalty program {program_id} not found", field="id")
    return program


async def _check_no_overlap(deps: Deps, program: Program, session: AsyncClientSession) -> None:
    """Rule: active programs never cover the same instant, so each moment has at most one current program."""
    if not program.is_active:
        return
    other = await deps.programs.overlapping_active(program, session)
    if other is not None:
        raise Conflict(f"active program {other.name!r} ({other.id}) already covers these dates; "
                       "deactivate it or change the dates", field="startDate")


async def create_program(deps: Deps, body: ProgramCreate) -> Program:
    program = new_program(body, utcnow())
    check_program(program)

    async def work(session: AsyncClientSession) -> Program:
        await deps.programs.lock_programs(session)
        await _check_no_overlap(deps, program, session)
        if taken := await _reward_ids_elsewhere(deps, program, session):
            raise Conflict(f"reward id {taken[0]} belongs to another program", field="rewards")
        await deps.programs.insert(program, session)
        for reward in program.rewards:
            await deps.programs.set_stock(reward.id, reward.stock, None, session)
        return program

    return await deps.transaction(work)


async def update_program(deps: Deps, program_id: str, body: ProgramUpdate) -> Program:
    async def work(session: AsyncClientSession) -> Program:
        await deps.programs.lock_programs(session)
        current = await deps.programs.get(program_id, session)
        if current is None:
            raise NotFound(f"loyalty program {program_id} not found", field="id")
        program = updated_program(current, body, utcnow())
        check_program(program)
        await _check_no_overlap(deps, program, session)
        if taken := await _reward_ids_elsewhere(deps, program, session):
            raise Conflict(f"reward id {taken[0]} belongs to another program", field="rewards")
        await deps.programs.replace(program, session)
        before = {r.id: r for r in current.rewards}
        for reward in program.rewards:
            old = before.get(reward.id)
            await deps.programs.set_stock(reward.id, reward.stock, old.stock if old else None, session)
        return program

    return await deps.transaction(work)


async def _reward_ids_elsewhere(deps: Deps, program: Program, session: AsyncClientSession) -> list[str]:
    ids = []
    for reward in program.rewards:
        owner = await deps.programs.with_reward(reward.id, session)
        if owner is not None and owner.id != program.id:
            ids.append(reward.id)
    return ids
