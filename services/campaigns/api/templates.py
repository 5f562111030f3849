"""Routes: /campaign-templates CRUD."""
from fastapi import APIRouter, Response

from services.campaigns.api.deps import DepsDep
from services.campaigns.api.models import TemplatePublic
from services.campaigns.domain.templates import TemplateCreate, TemplateUpdate
from services.campaigns.handlers import templates
from shared.api import Limit, Offset, Page

router = APIRouter(prefix="/campaign-templates", tags=["templates"])


@router.get("", response_model=Page[TemplatePublic])
async def list_templates(deps: DepsDep, limit: Limit = 20, offset: Offset = 0):
    records, total = await deps.templates.page({}, limit, offset)
    return Page(items=[TemplatePublic.from_record(t) for t in records], total=total, limit=limit, offset=offset)


@router.post("", response_model=TemplatePublic, status_code=201)
async def create_template(body: TemplateCreate, deps: DepsDep):
    return TemplatePublic.from_record(await templates.create_template(deps, body))


@router.get("/{template_id}", response_model=TemplatePublic)
async def get_template(template_id: str, deps: DepsDep):
    return TemplatePublic.from_record(await templates.get_template(deps, template_id))


@router.put("/{template_id}", response_model=TemplatePublic)
async def update_template(template_id: str, body: TemplateUpdate, deps: DepsDep):
    return TemplatePublic.from_record(await templates.update_template(deps, template_id, body))


@router.delete("/{template_id}", status_code=204)
async def delete_template(template_id: str, deps: DepsDep):
    await templates.delete_template(deps, template_id)
    return Response(status_code=204)
