"""Loyalty DataLoaders: a page of customers asking for `loyalty` costs one call to the loyalty service."""
from strawberry.dataloader import DataLoader

from gateway.clients.loyalty import LoyaltyClient
from gateway.loyalty.types import LoyaltyAccount


def loyalty_by_customer_id_loader(loyalty: LoyaltyClient) -> DataLoader:
    async def load(ids: list[str]) -> list[LoyaltyAccount]:
        found = await loyalty.accounts_by_customer_ids(list(dict.fromkeys(ids)))
        return [found[i] for i in ids]
    return DataLoader(load_fn=load, max_batch_size=100)
