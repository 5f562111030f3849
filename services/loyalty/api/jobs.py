"""Route: run a scheduled job now, as of an explicit time (operators and tests; the scheduler runs them too)."""
from fastapi import APIRouter

from services.loyalty.api.deps import DepsDep
from services.loyalty.domain.commands import JobRun
from services.loyalty.handlers.deps import utcnow
from services.loyalty.handlers.jobs import run_job

router = APIRouter(prefix="/loyalty/jobs", tags=["loyalty jobs"])


@router.post("/{name}/run")
async def run(name: str, deps: DepsDep, body: JobRun | None = None) -> dict:
    now = body.now if body and body.now else utcnow()
    return await run_job(deps, name, now)
