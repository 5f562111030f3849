"""Campaign queries: campaigns (a connection), campaign(id), campaignTemplates, campaignTemplate(id)."""
import strawberry
from strawberry import UNSET
from strawberry.types import Info

from gateway.campaigns.inputs import CampaignFilter
from gateway.campaigns.types import Campaign, CampaignTemplate
from gateway.inputs import to_json
from gateway.pagination import Connection, page_window


@strawberry.type
class CampaignQueries:
    @strawberry.field
    async def campaigns(self, info: Info, first: int = 20, after: str | None = None,
                        filter: CampaignFilter | None = UNSET) -> Connection[Campaign]:
        limit, offset = page_window(first, after)
        params = {**(to_json(filter) if filter else {}), "limit": limit, "offset": offset}
        page = await info.context.clients.campaigns.list_campaigns({k: v for k, v in params.items() if v is not None})
        return Connection.from_page(page.items, offset=offset, total=page.total)

    @strawberry.field
    async def campaign(self, info: Info, id: strawberry.ID) -> Campaign:
        return await info.context.clients.campaigns.get(id)

    @strawberry.field
    async def campaign_templates(self, info: Info, first: int = 20,
                                 after: str | None = None) -> Connection[CampaignTemplate]:
        limit, offset = page_window(first, after)
        page = await info.context.clients.campaigns.list_templates(limit, offset)
        return Connection.from_page(page.items, offset=offset, total=page.total)

    @strawberry.field
    async def campaign_template(self, info: Info, id: strawberry.ID) -> CampaignTemplate:
        return await info.context.clients.campaigns.get_template(id)
