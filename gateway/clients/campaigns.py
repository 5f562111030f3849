"""The campaigns service's HTTP API, typed for the gateway: each answer is parsed once, here, into the graph's own
types (plain dataclasses), so resolvers never read the service's JSON."""
from gateway.campaigns.types import Campaign, CampaignMetrics, CampaignTemplate, Message
from gateway.clients.base import ServiceClient, path_id
from gateway.clients.pages import ServicePage


class CampaignsClient(ServiceClient):
    async def list_campaigns(self, params: dict) -> ServicePage[Campaign]:
        return ServicePage.parse(await self.request("GET", "/campaigns", params=params), Campaign.from_json)

    async def get(self, campaign_id: str) -> Campaign:
        return Campaign.from_json(await self.request("GET", f"/campaigns/{path_id(campaign_id)}"))

    async def create(self, body: dict, headers: dict) -> Campaign:
        return Campaign.from_json(await self.request("POST", "/campaigns", json=body, headers=headers))

    async def update(self, campaign_id: str, body: dict, headers: dict) -> Campaign:
        return Campaign.from_json(await self.request("PUT", f"/campaigns/{path_id(campaign_id)}", json=body,
                                                     headers=headers))

    async def delete(self, campaign_id: str, headers: dict) -> None:
        await self.request("DELETE", f"/campaigns/{path_id(campaign_id)}", headers=headers)

    async def command(self, campaign_id: str, action: str, headers: dict, body: dict | None = None) -> Campaign:
        """send, schedule or cancel: the campaign as the command left it."""
        return Campaign.from_json(await self.request(
            "POST", f"/campaigns/{path_id(campaign_id)}/{path_id(action)}", json=body, headers=headers))

    async def metrics(self, campaign_id: str) -> CampaignMetrics:
        return CampaignMetrics.from_json(await self.request("GET", f"/campaigns/{path_id(campaign_id)}/metrics"))

    async def recipients(self, campaign_id: str, limit: int, offset: int) -> ServicePage[Message]:
        page = await self.request("GET", f"/campaigns/{path_id(campaign_id)}/recipients",
                                  params={"limit": limit, "offset": offset})
        return ServicePage.parse(page, Message.from_json)

    async def list_templates(self, limit: int, offset: int) -> ServicePage[CampaignTemplate]:
        page = await self.request("GET", "/campaign-templates", params={"limit": limit, "offset": offset})
        return ServicePage.parse(page, CampaignTemplate.from_json)

    async def get_template(self, template_id: str) -> CampaignTemplate:
        return CampaignTemplate.from_json(await self.request("GET", f"/campaign-templates/{path_id(template_id)}"))

    async def create_template(self, body: dict, headers: dict) -> CampaignTemplate:
        return CampaignTemplate.from_json(await self.request("POST", "/campaign-templates", json=body,
                                                             headers=headers))

    async def update_template(self, template_id: str, body: dict, headers: dict) -> CampaignTemplate:
        return CampaignTemplate.from_json(await self.request(
            "PUT", f"/campaign-templates/{path_id(template_id)}", json=body, headers=headers))

    async def delete_template(self, template_id: str, headers: dict) -> None:
        await self.request("DELETE", f"/campaign-templates/{path_id(template_id)}", headers=headers)

    async def messages_by_customer_ids(self, ids: list[str], limit: int,
                                       offset: int) -> dict[str, ServicePage[Message]]:
        found = await self.request("GET", "/messages", params={"customerIds": ",".join(ids), "limit": limit,
                                                               "offset": offset})
        return {cid: ServicePage.parse(page, Message.from_json) for cid, page in found.items()}
