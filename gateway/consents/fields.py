"""Customer.consents: a page of the ledger, newest first, batched across customers by a loader."""
from strawberry.types import Info

from gateway.consents.types import Consent
from gateway.pagination import Connection, page_window


async def consents_page(customer_id: str, info: Info, first: int, after: str | None) -> Connection[Consent]:
    limit, offset = page_window(first, after)
    page = await info.context.loaders.consents_by_customer_id.load((customer_id, limit, offset))
    return Connection.from_page([Consent.from_json(c) for c in page["items"]], offset=offset, total=page["total"])
