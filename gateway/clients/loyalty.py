"""The loyalty service's HTTP API, typed for the gateway: each answer is parsed once, here, into the graph's own
types (plain dataclasses), so resolvers never read the service's JSON."""
from gateway.clients.base import ServiceClient, path_id
from gateway.clients.pages import ServicePage
from gateway.loyalty.programs import LoyaltyProgram, ProgramAnalytics
from gateway.loyalty.types import (
    LoyaltyAccount,
    LoyaltyLedgerEntry,
    LoyaltyRedemption,
    RewardCode,
    RewardCodeValidation,
)


class LoyaltyClient(ServiceClient):
    async def list_programs(self, limit: int, offset: int) -> ServicePage[LoyaltyProgram]:
        page = await self.request("GET", "/loyalty-programs", params={"limit": limit, "offset": offset})
        return ServicePage.parse(page, LoyaltyProgram.from_json)

    async def get_program(self, program_id: str) -> LoyaltyProgram:
        return LoyaltyProgram.from_json(await self.request("GET", f"/loyalty-programs/{path_id(program_id)}"))

    async def create_program(self, body: dict, headers: dict) -> LoyaltyProgram:
        return LoyaltyProgram.from_json(await self.request("POST", "/loyalty-programs", json=body, headers=headers))

    async def update_program(self, program_id: str, body: dict, headers: dict) -> LoyaltyProgram:
        return LoyaltyProgram.from_json(await self.request("PUT", f"/loyalty-programs/{path_id(program_id)}",
                                                           json=body, headers=headers))

    async def analytics(self, program_id: str, params: dict) -> ProgramAnalytics:
        return ProgramAnalytics.from_json(await self.request(
            "GET", f"/loyalty-programs/{path_id(program_id)}/analytics", params=params))

    async def add_points(self, customer_id: str, body: dict, headers: dict) -> LoyaltyAccount:
        """The account after the credit (the service also answers the entry; the graph shows the account)."""
        result = await self.request("POST", f"/customers/{path_id(customer_id)}/loyalty/points", json=body,
                                    headers=headers)
        return LoyaltyAccount.from_json(result["account"])

    async def redeem(self, customer_id: str, body: dict, headers: dict) -> LoyaltyRedemption:
        return LoyaltyRedemption.from_json(await self.request(
            "POST", f"/customers/{path_id(customer_id)}/loyalty/redeem", json=body, headers=headers))

    async def deduct_points(self, customer_id: str, body: dict, headers: dict) -> LoyaltyAccount:
        """The account after the deduction."""
        result = await self.request("POST", f"/customers/{path_id(customer_id)}/loyalty/deductions", json=body,
                                    headers=headers)
        return LoyaltyAccount.from_json(result["account"])

    async def reward_code(self, code: str) -> RewardCode:
        return RewardCode.from_json(await self.request("GET", f"/loyalty/codes/{path_id(code)}"))

    async def validate_code(self, code: str, body: dict) -> RewardCodeValidation:
        return RewardCodeValidation.from_json(await self.request(
            "POST", f"/loyalty/codes/{path_id(code)}/validate", json=body))

    async def consume_code(self, code: str, body: dict, headers: dict) -> RewardCode:
        return RewardCode.from_json(await self.request("POST", f"/loyalty/codes/{path_id(code)}/consume", json=body,
                                                       headers=headers))

    async def void_code(self, code: str, body: dict, headers: dict) -> RewardCode:
        return RewardCode.from_json(await self.request("POST", f"/loyalty/codes/{path_id(code)}/void", json=body,
                                                       headers=headers))

    async def accounts_by_customer_ids(self, ids: list[str]) -> dict[str, LoyaltyAccount]:
        found = await self.request("GET", "/loyalty/accounts", params={"customerIds": ",".join(ids)})
        return {cid: LoyaltyAccount.from_json(account) for cid, account in found.items()}

    async def ledgers_by_customer_ids(self, ids: list[str], limit: int,
                                      offset: int) -> dict[str, ServicePage[LoyaltyLedgerEntry]]:
        found = await self.request("GET", "/loyalty/ledger", params={"customerIds": ",".join(ids), "limit": limit,
                                                                    "offset": offset})
        return {cid: ServicePage.parse(page, LoyaltyLedgerEntry.from_json) for cid, page in found.items()}
