"""Routes: customer CSV imports (/customer-imports: upload a file, then start the job), customer list exports
(/customer-exports, its CSV download) and their progress (/csv-jobs/{id})."""
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import Field

from services.customers.api.deps import DepsDep
from services.customers.handlers import customer_export, customer_import
from services.customers.handlers.csv_parts import CsvParts
from services.customers.store.csv_jobs import CsvJob
from shared.api import InputModel
from shared.errors import NotFound

router = APIRouter(tags=["csv"])


def get_parts(request: Request) -> CsvParts:
    return request.app.state.csv


PartsDep = Annotated[CsvParts, Depends(get_parts)]


class ImportStart(InputModel):
    customers_file: str = Field(alias="customersFile", min_length=1, max_length=64)
    orders_file: str | None = Field(None, alias="ordersFile", min_length=1, max_length=64)


class ExportStart(InputModel):
    filter: dict | None = None
    segment_id: str | None = Field(None, alias="segmentId", min_length=1, max_length=100)
    columns: list[str] | None = Field(None, min_length=1, max_length=50)


async def job_json(parts: CsvParts, job: CsvJob, problems: int = 100) -> dict:
    body = {"id": job.id, "kind": job.kind, "status": job.status, "total": job.total, "processed": job.processed,
            "progress": round(job.processed / job.total, 4) if job.total else (1.0 if job.status == "done" else 0.0),
            "counts": job.counts, "error": job.error, "createdAt": job.created_at.isoformat(),
            "finishedAt": job.finished_at.isoformat() if job.finished_at else None}
    if job.kind == "import":
        body["problems"] = await parts.store.problems_of(job.id, problems)
    else:
        expires = job.result.get("expiresAt")
        body |= {"columns": job.params.get("columns"), "segmentId": job.params.get("segmentId"),
                 "filter": job.params.get("filter"), "expiresAt": expires.isoformat() if expires else None}
    return body


@router.post("/customer-imports/files", status_code=201)
async def upload_file(request: Request, parts: PartsDep,
                      kind: Annotated[Literal["customers", "orders"], Query()] = "customers") -> dict:
    """The raw CSV as the request body, read as it arrives (never whole in memory)."""
    stored = await customer_import.store_upload(parts, kind, request.stream())
    return {"fileId": stored.id, "kind": stored.kind, "columns": stored.columns, "rows": stored.rows,
            "bytes": stored.size}


@router.post("/customer-imports", status_code=202)
async def start_import(body: ImportStart, parts: PartsDep) -> dict:
    return await job_json(parts, await customer_import.start_import(parts, body.customers_file, body.orders_file))


@router.post("/customer-exports", status_code=202)
async def start_export(body: ExportStart, deps: DepsDep, parts: PartsDep) -> dict:
    job = await customer_export.start_export(deps, parts, filter_=body.filter, segment=body.segment_id,
                                             columns=body.columns)
    return await job_json(parts, job)


@router.get("/csv-jobs/{job_id}")
async def get_job(job_id: str, parts: PartsDep, problems: Annotated[int, Query(ge=0, le=1000)] = 100) -> dict:
    job = await parts.store.get(job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found", field="id")
    return await job_json(parts, job, problems)


@router.get("/customer-exports/{job_id}/export.csv")
async def download_export(job_id: str, parts: PartsDep):
    job, lines = await customer_export.export_file(parts, job_id)
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="customers-{job.id[:8]}.csv"'})
