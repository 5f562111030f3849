"""Campaign mutations as the spec's client calls them: createCampaign, sendCampaign, scheduleCampaign, ..."""
from datetime import datetime

import strawberry
from strawberry.types import Info

from gateway.campaigns.inputs import CampaignCreateInput, CampaignUpdateInput, TemplateCreateInput, TemplateUpdateInput
from gateway.campaigns.types import Campaign, CampaignTemplate
from gateway.inputs import to_json


@strawberry.type
class CampaignDeletePayload:
    id: strawberry.ID
    deleted: bool


@strawberry.type
class CampaignMutations:
    @strawberry.mutation
    async def create_campaign(self, info: Info, input: CampaignCreateInput) -> Campaign:
        ctx = info.context
        return await ctx.clients.campaigns.create(to_json(input), ctx.forward_headers)

    @strawberry.mutation
    async def update_campaign(self, info: Info, id: strawberry.ID, input: CampaignUpdateInput) -> Campaign:
        ctx = info.context
        return await ctx.clients.campaigns.update(id, to_json(input), ctx.forward_headers)

    @strawberry.mutation
    async def delete_campaign(self, info: Info, id: strawberry.ID) -> CampaignDeletePayload:
        await info.context.clients.campaigns.delete(id, info.context.forward_headers)
        return CampaignDeletePayload(id=id, deleted=True)

    @strawberry.mutation(description="Starts sending now; status is 'sending' until every message is settled.")
    async def send_campaign(self, info: Info, id: strawberry.ID) -> Campaign:
        ctx = info.context
        return await ctx.clients.campaigns.command(id, "send", ctx.forward_headers)

    @strawberry.mutation
    async def schedule_campaign(self, info: Info, id: strawberry.ID, scheduled_date: datetime) -> Campaign:
        ctx = info.context
        return await ctx.clients.campaigns.command(id, "schedule", ctx.forward_headers,
                                                   {"scheduledDate": scheduled_date.isoformat()})

    @strawberry.mutation
    async def cancel_campaign(self, info: Info, id: strawberry.ID) -> Campaign:
        ctx = info.context
        return await ctx.clients.campaigns.command(id, "cancel", ctx.forward_headers)

    @strawberry.mutation
    async def create_campaign_template(self, info: Info, input: TemplateCreateInput) -> CampaignTemplate:
        ctx = info.context
        return await ctx.clients.campaigns.create_template(to_json(input), ctx.forward_headers)

    @strawberry.mutation
    async def update_campaign_template(self, info: Info, id: strawberry.ID,
                                       input: TemplateUpdateInput) -> CampaignTemplate:
        ctx = info.context
        return await ctx.clients.campaigns.update_template(id, to_json(input), ctx.forward_headers)

    @strawberry.mutation
    async def delete_campaign_template(self, info: Info, id: strawberry.ID) -> CampaignDeletePayload:
        await info.context.clients.campaigns.delete_template(id, info.context.forward_headers)
        return CampaignDeletePayload(id=id, deleted=True)
