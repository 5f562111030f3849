"""Segment, its preview and bulk jobs as the graph shows them; built from the customers service's JSON."""
from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.customers.types import Customer
from gateway.pagination import Connection, page_window


@strawberry.type
class Segment:
    id: strawberry.ID
    slug: str
    name: str
    description: str
    criteria: JSON = strawberry.field(description="structured criteria; amounts in currency units")
    query: str = strawberry.field(description="the same criteria in the segment query language")
    customer_count: int
    time_based: bool
    built_in: bool
    state: str
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="The segment's members, by customer id.")
    async def customers(self, info: Info, first: int = 20, after: str | None = None) -> Connection[Customer]:
        limit, offset = page_window(first, after)
        page = await info.context.clients.segments.members(self.id, limit, offset)
        for raw in page["items"]:
            info.context.loaders.customer_by_id.prime(raw["id"], raw)
        return Connection.from_page([Customer.from_json(c) for c in page["items"]], offset=offset,
                                    total=page["total"])

    @classmethod
    def from_json(cls, d: dict) -> "Segment":
        return cls(id=d["id"], slug=d["slug"], name=d["name"], description=d["description"], criteria=d["criteria"],
                   query=d["query"], customer_count=d["customerCount"], time_based=d["timeBased"],
                   built_in=d["builtIn"], state=d["state"], created_at=datetime.fromisoformat(d["createdAt"]),
                   updated_at=datetime.fromisoformat(d["updatedAt"]))


@strawberry.type
class SegmentPreview:
    criteria: JSON
    query: str
    count: int
    sample: list[Customer]


@strawberry.type
class SegmentJob:
    id: strawberry.ID
    segment_id: strawberry.ID
    kind: str
    action: str | None
    status: str
    total: int | None
    processed: int
    progress: float
    result: JSON
    error: str | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_json(cls, d: dict) -> "SegmentJob":
        return cls(id=d["id"], segment_id=d["segmentId"], kind=d["kind"], action=d.get("action"), status=d["status"],
                   total=d.get("total"), processed=d["processed"], progress=d["progress"], result=d["result"],
                   error=d.get("error"), created_at=datetime.fromisoformat(d["createdAt"]),
                   finished_at=datetime.fromisoformat(d["finishedAt"]) if d.get("finishedAt") else None)
