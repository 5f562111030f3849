"""Template commands: create, update, delete, read; content is checked like a campaign's when saved."""
import uuid

from services.campaigns.domain import campaigns as rules
from services.campaigns.domain.records import Template
from services.campaigns.domain.templates import TemplateCreate, TemplateUpdate
from services.campaigns.handlers.deps import Deps, utcnow
from services.campaigns.handlers.render_pool import off_loop
from shared.errors import NotFound, ValidationFailed


async def get_template(deps: Deps, template_id: str) -> Template:
    template = await deps.templates.get(template_id)
    if template is None:
        raise NotFound(f"template {template_id} not found", field="id")
    return template


async def create_template(deps: Deps, body: TemplateCreate) -> Template:
    now = utcnow()
    doc = {"_id": str(uuid.uuid4()), **body.model_dump(by_alias=True, exclude_none=True),
           "createdAt": now, "updatedAt": now}
    await off_loop(deps.settings, rules.validate_content, doc)  # renders the sample customer, under the limits
    template = Template.from_doc(doc)
    await deps.templates.insert(template)
    return template


async def update_template(deps: Deps, template_id: str, body: TemplateUpdate) -> Template:
    current = await get_template(deps, template_id)
    given = body.model_dump(by_alias=True, exclude_unset=True)
    for required in ("name", "type", "content"):
        if required in given and given[required] is None:
            raise ValidationFailed(f"{required} cannot be null", field=required)
    merged = {k: v for k, v in {**current.to_doc(), **given, "updatedAt": utcnow()}.items() if v is not None}
    await off_loop(deps.settings, rules.validate_content, merged)
    updated = await deps.templates.replace(Template.from_doc(merged))
    if updated is None:
        raise NotFound(f"template {template_id} not found", field="id")
    return updated


async def delete_template(deps: Deps, template_id: str) -> None:
    """Campaigns copied the template's content when created, so deleting it changes none of them."""
    if not await deps.templates.delete(template_id):
        raise NotFound(f"template {template_id} not found", field="id")
