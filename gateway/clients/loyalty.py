"""The loyalty service's HTTP API, typed for the gateway."""
from typing import Any

from gateway.clients.base import ServiceClient, path_id


class LoyaltyClient(ServiceClient):
    async def list_programs(self, limit: int, offset: int) -> dict:
        return await self.request("GET", "/loyalty-programs", params={"limit": limit, "offset": offset})

    async def get_program(self, program_id: str) -> dict:
        return await self.request("GET", f"/loyalty-programs/{path_id(program_id)}")

    async def create_program(self, body: dict, headers: dict) -> dict:
        return await self.request("POST", "/loyalty-programs", json=body, headers=headers)

    async def update_program(self, program_id: str, body: dict, headers: dict) -> dict:
        return await self.request("PUT", f"/loyalty-programs/{path_id(program_id)}", json=body, headers=headers)

    async def analytics(self, program_id: str, params: dict) -> dict:
        return await self.request("GET", f"/loyalty-programs/{path_id(program_id)}/analytics", params=params)

    async def add_points(self, customer_id: str, body: dict, headers: dict) -> dict:
        return await self.request("POST", f"/customers/{path_id(customer_id)}/loyalty/points", json=body,
                                  headers=headers)

    async def redeem(self, customer_id: str, body: dict, headers: dict) -> dict:
        return await self.request("POST", f"/customers/{path_id(customer_id)}/loyalty/redeem", json=body,
                                  headers=headers)

    async def deduct_points(self, customer_id: str, body: dict, headers: dict) -> dict:
        return await self.request("POST", f"/customers/{path_id(customer_id)}/loyalty/deductions", json=body,
                                  headers=headers)

    async def reward_code(self, code: str) -> dict:
        return await self.request("GET", f"/loyalty/codes/{path_id(code)}")

    async def validate_code(self, code: str, body: dict) -> dict:
        return await self.request("POST", f"/loyalty/codes/{path_id(code)}/validate", json=body)

    async def consume_code(self, code: str, body: dict, headers: dict) -> dict:
        return await self.request("POST", f"/loyalty/codes/{path_id(code)}/consume", json=body, headers=headers)

    async def void_code(self, code: str, body: dict, headers: dict) -> dict:
        return await self.request("POST", f"/loyalty/codes/{path_id(code)}/void", json=body, headers=headers)

    async def accounts_by_customer_ids(self, ids: list[str]) -> dict[str, Any]:
        return await self.request("GET", "/loyalty/accounts", params={"customerIds": ",".join(ids)})

    async def ledgers_by_customer_ids(self, ids: list[str], limit: int, offset: int) -> dict[str, Any]:
        return await self.request("GET", "/loyalty/ledger", params={"customerIds": ",".join(ids), "limit": limit,
                                                                   "offset": offset})

    async def data_export(self, customer_id: str, headers: dict, timeout: float) -> dict:
        """This service's whole part of one person's data export (GET /customers/{id}/data-export)."""
        return await self.request("GET", f"/customers/{path_id(customer_id)}/data-export", headers=headers,
                                  timeout=timeout)
