"""Routes: /insights/model (the current fit), /insights/models (the history of fits), POST /insights/refit."""
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.customers.insights.api.models import InsightModelPublic
from services.customers.insights.handlers.parts import InsightParts
from services.customers.insights.handlers.refit import refit
from shared.actor import actor_record

router = APIRouter(prefix="/insights", tags=["insights"])


def _parts(request: Request) -> InsightParts:
    return request.app.state.insights


@router.get("/model", response_model=InsightModelPublic | None)
async def current_model(request: Request) -> InsightModelPublic | None:
    """The fit in use; null before the first refit."""
    doc = await _parts(request).models.current_record()
    return InsightModelPublic.from_doc(doc) if doc else None


@router.get("/models", response_model=list[InsightModelPublic])
async def model_history(request: Request, limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[InsightModelPublic]:
    return [InsightModelPublic.from_doc(d) for d in await _parts(request).models.history(limit)]


@router.post("/refit", response_model=InsightModelPublic)
async def refit_now(request: Request) -> InsightModelPublic:
    """Refits and rescores everyone now, answering when done (the scheduled refit does the same each interval)."""
    parts = _parts(request)
    await refit(parts, datetime.now(timezone.utc), actor_record())
    return InsightModelPublic.from_doc(await parts.models.current_record())
