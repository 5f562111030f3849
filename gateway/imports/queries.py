"""customerImport(id) and customerExport(id): a CSV job's progress."""
import strawberry
from strawberry.types import Info

from gateway.clients.base import ServiceError
from gateway.imports.types import CustomerExport, CustomerImport


async def _job(info: Info, job_id: str, kind: str) -> dict:
    job = await info.context.clients.csv_jobs.job(job_id)
    if job["kind"] != kind:
        raise ServiceError(404, "NOT_FOUND", f"{kind} {job_id} not found", "id")
    return job


@strawberry.type
class ImportQueries:
    @strawberry.field
    async def customer_import(self, info: Info, id: strawberry.ID) -> CustomerImport:
        return CustomerImport.from_json(await _job(info, id, "import"))

    @strawberry.field
    async def customer_export(self, info: Info, id: strawberry.ID) -> CustomerExport:
        return CustomerExport.from_json(await _job(info, id, "export"))
