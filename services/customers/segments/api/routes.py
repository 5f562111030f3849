"""Routes: /customer-segments (CRUD, members, preview, bulk actions) and /segment-jobs (progress, CSV export)."""
from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import Field

from services.customers.api.deps import DepsDep
from services.customers.api.models import CustomerPublic
from services.customers.segments.domain.explain import ClauseResult
from services.customers.segments.domain.models import SegmentCreate, SegmentPreview, SegmentUpdate, parse_bulk
from services.customers.segments.handlers import crud, jobs
from services.customers.segments.handlers.bulk import csv_header
from services.customers.segments.handlers.explain import explain_membership, membership_changes
from services.customers.segments.handlers.preview_change import preview_change
from services.customers.segments.store.changes import SegmentChange, encode_cursor
from shared.api import Limit, Offset, Page, PublicModel
from shared.errors import NotFound

router = APIRouter(tags=["segments"])


class SegmentPublic(PublicModel):
    id: str
    slug: str
    name: str
    description: str
    criteria: dict[str, Any]
    query: str
    customer_count: int = Field(alias="customerCount")
    time_based: bool = Field(alias="timeBased")
    built_in: bool = Field(alias="builtIn")
    state: str = Field(description="building (first members being found), updating, or ready")
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")

    @classmethod
    def from_doc(cls, d: dict) -> "SegmentPublic":
        return cls(id=d["_id"], slug=d["slug"], name=d["name"], description=d.get("description") or "",
                   criteria=d.get("criteria") or {}, query=d.get("query") or "", customerCount=d["customerCount"],
                   timeBased=d.get("timeBased", False), builtIn=d.get("builtIn", False), state=d["state"],
                   createdAt=d["createdAt"], updatedAt=d["updatedAt"])


class SegmentJobPublic(PublicModel):
    id: str
    segment_id: str = Field(alias="segmentId")
    kind: str
    action: str | None = None
    status: str
    total: int | None
    processed: int
    progress: float = Field(description="0 to 1")
    result: dict[str, Any]
    error: str | None
    created_at: datetime = Field(alias="createdAt")
    finished_at: datetime | None = Field(alias="finishedAt")

    @classmethod
    def from_doc(cls, d: dict) -> "SegmentJobPublic":
        total, processed = d.get("total"), d.get("processed", 0)
        progress = 1.0 if d["status"] == "done" else (min(1.0, processed / total) if total else 0.0)
        return cls(id=d["_id"], segmentId=d["segmentId"], kind=d["kind"], action=d.get("action"),
                   status=d["status"], total=total, processed=processed, progress=round(progress, 4),
                   result=d.get("result") or {}, error=d.get("error"), createdAt=d["createdAt"],
                   finishedAt=d.get("finishedAt"))


class SegmentPreviewPublic(PublicModel):
    criteria: dict[str, Any]
    query: str
    count: int
    sample: list[CustomerPublic]


class ClausePublic(PublicModel):
    kind: str = Field(description="condition, and, or, not")
    text: str = Field(description="the clause in the query language")
    holds: bool
    field: str | None = Field(None, description="query-language field name (conditions)")
    operator: str | None = None
    expected: Any = Field(None, description="the value written in the criteria (amounts in currency units)")
    cutoff: datetime | None = Field(None, description="a relative date (-90d, now) resolved against now")
    actual: Any = Field(None, description="the customer's value; null when they have none")
    clauses: list["ClausePublic"] = []

    @classmethod
    def from_result(cls, r: ClauseResult) -> "ClausePublic":
        return cls(kind=r.kind, text=r.text, holds=r.holds, field=r.field, operator=r.operator, expected=r.expected,
                   cutoff=r.cutoff, actual=r.actual, clauses=[cls.from_result(c) for c in r.clauses])


class ExplanationPublic(PublicModel):
    segment_id: str = Field(alias="segmentId")
    segment_slug: str = Field(alias="segmentSlug")
    customer_id: str = Field(alias="customerId")
    member: bool = Field(description="the stored membership")
    matches: bool = Field(description="the criteria's answer now")
    evaluated_at: datetime = Field(alias="evaluatedAt")
    query: str
    result: ClausePublic = Field(description="the criteria tree with each clause's outcome")


class ChangePublic(PublicModel):
    id: str
    cursor: str = Field(description="pass as `after` for the records older than this one")
    segment_id: str = Field(alias="segmentId")
    customer_id: str = Field(alias="customerId")
    change: str = Field(description="entered or left")
    at: datetime
    clause: str | None = Field(description="the deciding clause (docs/segments.md, Membership history)")
    clauses: list[str]
    cause: str = Field(description="customer (a change to them), recompute (criteria edit), clock (a boundary)")
    reason: str | None = Field(None, description="deleted or erased: the customer is gone (no clause)")

    @classmethod
    def from_record(cls, c: SegmentChange) -> "ChangePublic":
        return cls(id=c.id, cursor=encode_cursor(c), segmentId=c.segment_id, customerId=c.customer_id,
                   change=c.change, at=c.at, clause=c.clause, clauses=c.clauses, cause=c.cause, reason=c.reason)


class ChangePagePublic(PublicModel):
    items: list[ChangePublic]
    end_cursor: str | None = Field(alias="endCursor")
    has_next_page: bool = Field(alias="hasNextPage")


class MovePublic(PublicModel):
    count: int
    sample: list[CustomerPublic]


class PreviewChangePublic(PublicModel):
    criteria: dict[str, Any]
    query: str
    count: int = Field(description="members the new criteria would have")
    current_count: int = Field(alias="currentCount")
    staying: int
    joining: MovePublic
    leaving: MovePublic


@router.get("/customer-segments", response_model=Page[SegmentPublic])
async def list_segments(deps: DepsDep, limit: Limit = 50, offset: Offset = 0):
    docs, total = await deps.segments.store.page(limit, offset)
    items = [SegmentPublic.from_doc(d) for d in await crud.with_counts(deps, docs)]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.post("/customer-segments", response_model=SegmentPublic, status_code=201)
async def create_segment(body: SegmentCreate, deps: DepsDep):
    return SegmentPublic.from_doc(await crud.create_segment(deps, body))


@router.post("/customer-segments/preview", response_model=SegmentPreviewPublic)
async def preview_segment(body: SegmentPreview, deps: DepsDep):
    found = await crud.preview(deps, body)
    return SegmentPreviewPublic(criteria=found["criteria"], query=found["query"], count=found["count"],
                                sample=[CustomerPublic.from_doc(d) for d in found["sample"]])


@router.get("/customer-segments/{id_or_slug}", response_model=SegmentPublic)
async def get_segment(id_or_slug: str, deps: DepsDep):
    segment = await crud.get_segment(deps, id_or_slug)
    return SegmentPublic.from_doc((await crud.with_counts(deps, [segment]))[0])


@router.get("/customer-segments/{id_or_slug}/explain/{customer_id}", response_model=ExplanationPublic)
async def explain_segment(id_or_slug: str, customer_id: str, deps: DepsDep):
    found = await explain_membership(deps, id_or_slug, customer_id)
    return ExplanationPublic(segmentId=found.segment["_id"], segmentSlug=found.segment["slug"],
                             customerId=found.customer_id, member=found.member, matches=found.matches,
                             evaluatedAt=found.evaluated_at, query=found.segment.get("query") or "",
                             result=ClausePublic.from_result(found.result))


@router.get("/customer-segments/{id_or_slug}/changes", response_model=ChangePagePublic)
async def segment_changes(id_or_slug: str, deps: DepsDep, limit: Limit = 20,
                          after: Annotated[str | None, Query(max_length=200)] = None,
                          since: datetime | None = None):
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    page = await membership_changes(deps, id_or_slug, limit, after, since)
    return ChangePagePublic(items=[ChangePublic.from_record(c) for c in page.items], endCursor=page.end_cursor,
                            hasNextPage=page.has_next_page)


@router.post("/customer-segments/{id_or_slug}/preview-change", response_model=PreviewChangePublic)
async def preview_segment_change(id_or_slug: str, body: SegmentPreview, deps: DepsDep):
    found = await preview_change(deps, id_or_slug, body)
    return PreviewChangePublic(
        criteria=found["criteria"], query=found["query"], count=found["count"], currentCount=found["currentCount"],
        staying=found["staying"],
        **{key: MovePublic(count=found[key]["count"], sample=[CustomerPublic.from_doc(d) for d in found[key]["sample"]])
           for key in ("joining", "leaving")})


@router.put("/customer-segments/{id_or_slug}", response_model=SegmentPublic)
async def update_segment(id_or_slug: str, body: SegmentUpdate, deps: DepsDep):
    return SegmentPublic.from_doc(await crud.update_segment(deps, id_or_slug, body))


@router.delete("/customer-segments/{id_or_slug}", status_code=204)
async def delete_segment(id_or_slug: str, deps: DepsDep) -> Response:
    await crud.delete_segment(deps, id_or_slug)
    return Response(status_code=204)


@router.get("/customer-segments/{id_or_slug}/customers", response_model=Page[CustomerPublic])
async def segment_customers(id_or_slug: str, deps: DepsDep, limit: Limit = 20, offset: Offset = 0):
    segment, docs = await crud.member_page(deps, id_or_slug, limit, offset)
    return Page(items=[CustomerPublic.from_doc(d) for d in docs], total=segment["customerCount"], limit=limit,
                offset=offset)


@router.post("/customer-segments/{id_or_slug}/bulk-actions", response_model=SegmentJobPublic, status_code=202)
async def start_bulk_action(id_or_slug: str, raw: Annotated[dict[str, Any], Body(
                                openapi_examples={"tags": {"value": {"action": "add_tags", "tags": ["spring"]}}})],
                            deps: DepsDep,
                            idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key",
                                                                          max_length=100)] = None):
    body = parse_bulk(raw)
    segment = await crud.get_segment(deps, id_or_slug)
    params = body.model_dump(mode="json", by_alias=True, exclude={"action", "idempotency_key"})
    job = await jobs.enqueue_bulk(deps, segment, body.action, params, body.idempotency_key or idempotency_key)
    return SegmentJobPublic.from_doc(job)


@router.get("/segment-jobs/{job_id}", response_model=SegmentJobPublic)
async def get_job(job_id: str, deps: DepsDep):
    job = await deps.segments.jobs.get(job_id)
    if job is None:
        raise NotFound(f"segment job {job_id} not found", field="id")
    return SegmentJobPublic.from_doc(job)


@router.get("/segment-jobs/{job_id}/export.csv")
async def export_csv(job_id: str, deps: DepsDep):
    job = await deps.segments.jobs.get(job_id)
    if job is None or job.get("action") != "export_csv":
        raise NotFound(f"export {job_id} not found", field="id")
    if job["status"] != "done":
        raise NotFound(f"export {job_id} is not ready yet ({job['status']})", field="id")

    async def rows():
        yield csv_header()
        async for chunk in deps.segments.jobs.export_chunks(job_id):
            yield chunk

    filename = f"segment-{job['segmentSlug']}.csv"
    return StreamingResponse(rows(), media_type="text/csv",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})
