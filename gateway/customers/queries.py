"""Customer queries: customers (a connection with filters), customer(id), customerStats."""
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import UNSET
from strawberry.types import Info

from gateway.customers.enums import CustomerSortField, SortOrder
from gateway.customers.inputs import CustomerFilter
from gateway.customers.types import Customer, CustomerStats
from gateway.inputs import to_json
from gateway.metrics_queries.growth import growth_params
from gateway.metrics_queries.types import StatsPeriod
from gateway.pagination import Connection, page_window


def _list_params(filter: CustomerFilter | None) -> dict:
    params = to_json(filter) if filter else {}
    if "search" in params:
        params["q"] = params.pop("search")
    return {key: ",".join(map(str, value)) if isinstance(value, list) else value
            for key, value in params.items() if value is not None}


@strawberry.type
class CustomerQueries:
    @strawberry.field
    async def customers(self, info: Info, first: int = 20, after: str | None = None,
                        filter: CustomerFilter | None = UNSET,
                        sort: CustomerSortField = CustomerSortField.registrationDate,
                        order: SortOrder = SortOrder.desc) -> Connection[Customer]:
        limit, offset = page_window(first, after)
        params = {**_list_params(filter or None), "sort": sort.value, "order": order.value, "limit": limit,
                  "offset": offset}
        page = await info.context.clients.customers.list_customers(params)
        nodes = [Customer.from_json(c) for c in page["items"]]
        for node, raw in zip(nodes, page["items"]):
            info.context.loaders.customer_by_id.prime(raw["id"], raw)
        return Connection.from_page(nodes, offset=offset, total=page["total"])

    @strawberry.field
    async def customer(self, info: Info, id: strawberry.ID) -> Customer:
        return Customer.from_json(await info.context.loaders.customer_by_id.load(id))

    @strawberry.field(description="Today's totals; `growth` compares a period with the previous one: a named "
                                  "period, or from/to (both), not both.")
    async def customer_stats(self, info: Info, period: StatsPeriod | None = None,
                             from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
                             to: datetime | None = None) -> CustomerStats:
        stats = await info.context.clients.customers.stats()
        return CustomerStats(
            total_customers=stats["totalCustomers"], active_customers=stats["activeCustomers"],
            loyalty_members=stats["loyaltyMembers"], average_order_value=stats["averageOrderValue"],
            new_customers_this_month=stats["newCustomersThisMonth"],
            new_customers_last_month=stats["newCustomersLastMonth"],
            new_customers_growth_percent=stats["newCustomersGrowthPercent"],
            growth_params=growth_params(period, from_, to))
