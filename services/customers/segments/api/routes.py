"""Routes: /customer-segments (CRUD, members, preview, bulk actions) and /segment-jobs (progress, CSV export)."""
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Response
from fastapi.responses import StreamingResponse
from pydantic import Field

from services.customers.api.deps import DepsDep
from services.customers.api.models import CustomerPublic
from services.customers.segments.domain.models import SegmentCreate, SegmentPreview, SegmentUpdate, parse_bulk
from services.customers.segments.handlers import crud, jobs
from services.customers.segments.handlers.bulk import csv_header
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
