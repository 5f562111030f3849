"""The customers service's HTTP API, typed for the gateway."""
from typing import Any

from gateway.clients.base import ServiceClient, ServiceError, path_id


class CustomersClient(ServiceClient):
    async def list_customers(self, params: dict) -> dict:
        return await self.request("GET", "/customers", params=params)

    async def customers_by_ids(self, ids: list[str]) -> list[dict]:
        page = await self.request("GET", "/customers", params={"ids": ",".join(ids), "limit": len(ids)})
        return page["items"]

    async def stats(self) -> dict:
        return await self.request("GET", "/customers/stats")

    async def growth_stats(self, params: dict) -> dict:
        return await self.request("GET", "/stats/growth", params=params)

    async def cohorts(self, months: int) -> list[dict]:
        return await self.request("GET", "/stats/cohorts", params={"months": months})

    async def activity_feed(self, params: dict) -> dict:
        """The shop-wide feed: {items: [entry + customerName + cursor], hasMore}."""
        return await self.request("GET", "/activity/feed", params=params)

    async def create(self, body: dict, headers: dict) -> dict:
        return await self.request("POST", "/customers", json=body, headers=headers)

    async def insights_model(self) -> dict | None:
        """The current insights fit; None before the first refit."""
        return await self.request("GET", "/insights/model")

    async def refit_insights(self, headers: dict, timeout: float) -> dict:
        return await self.request("POST", "/insights/refit", headers=headers, timeout=timeout)

    async def update(self, customer_id: str, body: dict, headers: dict) -> dict:
        return await self.request("PUT", f"/customers/{path_id(customer_id)}", json=body, headers=headers)

    async def profile_or_none(self, customer_id: str) -> dict | None:
        """The profile, or None when there is none to show (unknown, or erased: 410)."""
        try:
            return await self.request("GET", f"/customers/{path_id(customer_id)}")
        except ServiceError as exc:
            if exc.status in (404, 410):
                return None
            raise

    async def erase(self, customer_id: str, reason: str, headers: dict) -> dict:
        return await self.request("POST", f"/customers/{path_id(customer_id)}/erasure", json={"reason": reason},
                                  headers=headers)

    async def delete(self, customer_id: str, headers: dict) -> None:
        await self.request("DELETE", f"/customers/{path_id(customer_id)}", headers=headers)

    async def record_order(self, customer_id: str, body: dict, headers: dict) -> dict:
        return await self.request("POST", f"/customers/{path_id(customer_id)}/orders", json=body, headers=headers)

    async def change_order_status(self, customer_id: str, order_id: str, status: str, headers: dict) -> dict:
        return await self.request("PATCH", f"/customers/{path_id(customer_id)}/orders/{path_id(order_id)}",
                                  json={"status": status}, headers=headers)

    async def return_order_items(self, customer_id: str, order_id: str, body: dict, headers: dict) -> dict:
        return await self.request("POST", f"/customers/{path_id(customer_id)}/orders/{path_id(order_id)}/returns",
                                  json=body, headers=headers)

    async def record_orders(self, rows: list[dict], headers: dict) -> list[dict]:
        answer = await self.request("POST", "/orders/batch", json={"orders": rows}, headers=headers)
        return answer["results"]

    async def record_interaction(self, customer_id: str, body: dict) -> None:
        await self.request("POST", f"/customers/{path_id(customer_id)}/activity", json=body)

    async def orders_by_customer_ids(self, ids: list[str], limit: int, offset: int) -> dict[str, Any]:
        return await self.request("GET", "/orders", params={"customerIds": ",".join(ids), "limit": limit,
                                                            "offset": offset})

    async def activity_by_customer_ids(self, ids: list[str], limit: int, offset: int) -> dict[str, Any]:
        return await self.request("GET", "/activity", params={"customerIds": ",".join(ids), "limit": limit,
                                                              "offset": offset})

    async def record_consent(self, customer_id: str, body: dict, headers: dict) -> dict:
        return await self.request("POST", f"/customers/{path_id(customer_id)}/consents", json=body, headers=headers)

    async def consents_by_customer_ids(self, ids: list[str], limit: int, offset: int) -> dict[str, Any]:
        return await self.request("GET", "/consents", params={"customerIds": ",".join(ids), "limit": limit,
                                                              "offset": offset})

    async def merge(self, keep_id: str, merge_id: str, headers: dict) -> dict:
        return await self.request("POST", "/merges", json={"keepId": keep_id, "mergeId": merge_id}, headers=headers)

    async def duplicates(self, first: int, after: str | None) -> dict:
        return await self.request("GET", "/duplicates", params={"first": first, **({"after": after} if after else {})})
