"""The customers service's segment API (/customer-segments, /segment-jobs), typed for the gateway."""
from typing import Any

from gateway.clients.base import ServiceClient, path_id


class SegmentsClient(ServiceClient):
    async def list(self, limit: int, offset: int) -> dict:
        return await self.request("GET", "/customer-segments", params={"limit": limit, "offset": offset})

    async def get(self, id_or_slug: str) -> dict:
        return await self.request("GET", f"/customer-segments/{path_id(id_or_slug)}")

    async def members(self, id_or_slug: str, limit: int, offset: int) -> dict:
        return await self.request("GET", f"/customer-segments/{path_id(id_or_slug)}/customers",
                                  params={"limit": limit, "offset": offset})

    async def preview(self, body: dict) -> dict:
        return await self.request("POST", "/customer-segments/preview", json=body)

    async def create(self, body: dict, headers: dict) -> dict:
        return await self.request("POST", "/customer-segments", json=body, headers=headers)

    async def update(self, id_or_slug: str, body: dict, headers: dict) -> dict:
        return await self.request("PUT", f"/customer-segments/{path_id(id_or_slug)}", json=body, headers=headers)

    async def delete(self, id_or_slug: str, headers: dict) -> None:
        await self.request("DELETE", f"/customer-segments/{path_id(id_or_slug)}", headers=headers)

    async def start_bulk_action(self, id_or_slug: str, body: dict[str, Any], headers: dict) -> dict:
        return await self.request("POST", f"/customer-segments/{path_id(id_or_slug)}/bulk-actions", json=body,
                                  headers=headers)

    async def explain(self, id_or_slug: str, customer_id: str) -> dict:
        return await self.request("GET", f"/customer-segments/{path_id(id_or_slug)}/explain/{path_id(customer_id)}")

    async def changes(self, id_or_slug: str, limit: int, after: str | None, since: str | None) -> dict:
        params: dict = {"limit": limit}
        if after is not None:
            params["after"] = after
        if since is not None:
            params["since"] = since
        return await self.request("GET", f"/customer-segments/{path_id(id_or_slug)}/changes", params=params)

    async def preview_change(self, id_or_slug: str, body: dict) -> dict:
        return await self.request("POST", f"/customer-segments/{path_id(id_or_slug)}/preview-change", json=body)

    async def job(self, job_id: str) -> dict:
        return await self.request("GET", f"/segment-jobs/{path_id(job_id)}")
