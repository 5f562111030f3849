"""DataLoaders, built per request: each batches one field's lookups into one call to the owning service."""
from collections import defaultdict
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from gateway.clients.base import ServiceError
from gateway.clients.customers import CustomersClient
from gateway.loyalty.loaders import loyalty_by_customer_id_loader


def customer_by_id_loader(customers: CustomersClient) -> DataLoader:
    async def load(ids: list[str]) -> list:
        found = {c["id"]: c for c in await customers.customers_by_ids(list(dict.fromkeys(ids)))}
        return [found.get(i) or ServiceError(404, "NOT_FOUND", f"customer {i} not found", "id") for i in ids]
    return DataLoader(load_fn=load, max_batch_size=100)


def _paged_loader(fetch) -> DataLoader:
    """Keys are (customer_id, limit, offset); keys sharing a window go to the service in one call."""

    async def load(keys: list[tuple[str, int, int]]) -> list:
        windows: dict[tuple[int, int], list[str]] = defaultdict(list)
        for customer_id, limit, offset in keys:
            windows[(limit, offset)].append(customer_id)
        pages = {}
        for (limit, offset), ids in windows.items():
            result = await fetch(list(dict.fromkeys(ids)), limit, offset)
            pages.update({(cid, limit, offset): page for cid, page in result.items()})
        return [pages[key] for key in keys]
    return DataLoader(load_fn=load, max_batch_size=100)


@dataclass
class Loaders:
    customer_by_id: DataLoader
    orders_by_customer_id: DataLoader
    activity_by_customer_id: DataLoader
    loyalty_by_customer_id: DataLoader
    loyalty_ledger_by_customer_id: DataLoader
    messages_by_customer_id: DataLoader
    consents_by_customer_id: DataLoader

    @classmethod
    def build(cls, clients) -> "Loaders":
        customers = clients.customers
        return cls(customer_by_id=customer_by_id_loader(customers),
                   orders_by_customer_id=_paged_loader(customers.orders_by_customer_ids),
                   activity_by_customer_id=_paged_loader(customers.activity_by_customer_ids),
                   loyalty_by_customer_id=loyalty_by_customer_id_loader(clients.loyalty),
                   loyalty_ledger_by_customer_id=_paged_loader(clients.loyalty.ledgers_by_customer_ids),
                   messages_by_customer_id=_paged_loader(clients.campaigns.messages_by_customer_ids),
                   consents_by_customer_id=_paged_loader(customers.consents_by_customer_ids))
