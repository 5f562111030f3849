"""What a merge answers and what a page of likely duplicates holds."""
from enum import Enum

import strawberry
from strawberry.types import Info

from gateway.customers.types import Customer
from gateway.pagination import PageInfo


@strawberry.enum(description="Why two customers are probably one person.")
class DuplicateReason(Enum):
    SAME_PHONE = "SAME_PHONE"
    SIMILAR_NAME_SAME_ZIP = strawberry.enum_value(
        "SIMILAR_NAME_SAME_ZIP", description="the same name once case, accents, punctuation, spacing and word order "
                                             "are set aside, and the same postal code")


@strawberry.type(description="A merge done: the kept customer as it now is, and what moved to it.")
class CustomerMerge:
    kept: Customer
    merged_id: strawberry.ID = strawberry.field(description="answers from now on with mergedInto: the kept id")
    moved_orders: int
    moved_timeline_entries: int
    moved_consents: int

    @classmethod
    def from_json(cls, data: dict) -> "CustomerMerge":
        return cls(kept=Customer.from_json(data["kept"]), merged_id=data["mergedId"],
                   moved_orders=data["movedOrders"], moved_timeline_entries=data["movedTimelineEntries"],
                   moved_consents=data["movedConsents"])


@strawberry.type(description="Two customers that are probably one person.")
class DuplicatePair:
    customer_ids: list[strawberry.ID] = strawberry.field(description="the two ids, in id order")
    reasons: list[DuplicateReason]

    @strawberry.field(description="The two customers (one call for the whole page).")
    async def customers(self, info: Info) -> list[Customer]:
        found = await info.context.loaders.customer_by_id.load_many(self.customer_ids)
        return [Customer.from_json(c) for c in found]


@strawberry.type(description="A page of likely duplicates. pageInfo.endCursor goes in `after` for the next page; "
                             "no total: counting every pair would read every customer.")
class DuplicatePairConnection:
    nodes: list[DuplicatePair]
    page_info: PageInfo
