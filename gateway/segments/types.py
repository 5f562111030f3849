"""Segment, its preview and bulk jobs as the graph shows them; built from the customers service's JSON."""
from datetime import datetime

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.customers.types import Customer
from gateway.pagination import MAX_PAGE, Connection, Edge, PageInfo, page_window


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.type(description="One clause of a segment's criteria evaluated for one customer: a condition, or a "
                             "group (and, or, not) of clauses.")
class SegmentClause:
    kind: str = strawberry.field(description="condition, and, or, not")
    text: str = strawberry.field(description="the clause in the segment query language")
    holds: bool
    field: str | None = strawberry.field(description="query-language field name (conditions)")
    operator: str | None
    expected: JSON | None = strawberry.field(description="the value in the criteria; amounts in currency units")
    cutoff: datetime | None = strawberry.field(description="a relative date (-90d, now) resolved against now")
    actual: JSON | None = strawberry.field(description="the customer's value; null when they have none")
    clauses: list["SegmentClause"]

    @classmethod
    def from_json(cls, d: dict) -> "SegmentClause":
        return cls(kind=d["kind"], text=d["text"], holds=d["holds"], field=d.get("field"), operator=d.get("operator"),
                   expected=d.get("expected"), cutoff=_when(d.get("cutoff")), actual=d.get("actual"),
                   clauses=[cls.from_json(c) for c in d.get("clauses") or []])


@strawberry.type(description="Why a customer is in a segment or not.")
class SegmentExplanation:
    customer_id: strawberry.ID
    member: bool = strawberry.field(description="the stored membership")
    matches: bool = strawberry.field(description="the criteria's answer now")
    evaluated_at: datetime
    query: str
    result: SegmentClause = strawberry.field(description="the criteria tree, each clause with its outcome")

    @classmethod
    def from_json(cls, d: dict) -> "SegmentExplanation":
        return cls(customer_id=d["customerId"], member=d["member"], matches=d["matches"],
                   evaluated_at=datetime.fromisoformat(d["evaluatedAt"]), query=d["query"],
                   result=SegmentClause.from_json(d["result"]))


@strawberry.type(description="A customer entering or leaving a segment.")
class SegmentChange:
    id: strawberry.ID
    customer_id: strawberry.ID
    change: str = strawberry.field(description="entered or left")
    at: datetime = strawberry.field(description="when it took effect; for the clock, the boundary crossed")
    clause: str | None = strawberry.field(description="the clause that decided it (docs/segments.md)")
    clauses: list[str]
    cause: str = strawberry.field(description="customer, recompute (criteria edit) or clock")
    reason: str | None = strawberry.field(description="deleted or erased: the customer is gone (no clause)")

    @classmethod
    def from_json(cls, d: dict) -> "SegmentChange":
        return cls(id=d["id"], customer_id=d["customerId"], change=d["change"], at=datetime.fromisoformat(d["at"]),
                   clause=d.get("clause"), clauses=d.get("clauses") or [], cause=d["cause"], reason=d.get("reason"))


@strawberry.type(description="Membership history, newest first.")
class SegmentChangeConnection:
    edges: list[Edge[SegmentChange]]
    page_info: PageInfo


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

    @strawberry.field(description="The segment's decision for one customer, clause by clause, with their values.")
    async def explain(self, info: Info, customer_id: strawberry.ID) -> SegmentExplanation:
        return SegmentExplanation.from_json(await info.context.clients.segments.explain(self.id, str(customer_id)))

    @strawberry.field(description="Who entered or left, when, and the deciding clause; newest first.")
    async def changes(self, info: Info, first: int = 20, after: str | None = None,
                      since: datetime | None = None) -> SegmentChangeConnection:
        if not 1 <= first <= MAX_PAGE:
            raise GraphQLError(f"first must be between 1 and {MAX_PAGE}",
                               extensions={"code": "VALIDATION", "field": "first"})
        page = await info.context.clients.segments.changes(self.id, first, after,
                                                           since.isoformat() if since else None)
        edges = [Edge(cursor=c["cursor"], node=SegmentChange.from_json(c)) for c in page["items"]]
        return SegmentChangeConnection(edges=edges, page_info=PageInfo(
            has_next_page=page["hasNextPage"], has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None, end_cursor=page["endCursor"]))

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
class SegmentMove:
    count: int
    sample: list[Customer]


@strawberry.type(description="What an edit to a segment's criteria would do, before it is saved.")
class SegmentChangePreview:
    criteria: JSON
    query: str
    count: int = strawberry.field(description="members with the new criteria")
    current_count: int
    staying: int
    joining: SegmentMove
    leaving: SegmentMove


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
