"""importCustomers (a GraphQL multipart upload) and exportCustomers: each starts a job in the customers service."""
from collections.abc import AsyncIterator

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from gateway.clients.base import ServiceError
from gateway.customers.inputs import CustomerFilter
from gateway.imports.types import CustomerExport, CustomerImport
from gateway.inputs import to_json

READ_BYTES = 64 * 1024


async def _chunks(upload) -> AsyncIterator[bytes]:
    """The uploaded file (Starlette spooled it to disk past 1 MB) read in pieces."""
    await upload.seek(0)
    while piece := await upload.read(READ_BYTES):
        yield piece


def _file(value, argument: str):
    if not hasattr(value, "read"):  # a string in the variables instead of a file part of the multipart request
        raise ServiceError(400, "VALIDATION", f"{argument} must be a file sent as a multipart upload", argument)
    return value


def _filter_json(filter: CustomerFilter | None) -> dict:
    """The customer list's filter as the customers service's CustomerQuery reads it (search is `q`)."""
    params = {key: value for key, value in (to_json(filter) if filter else {}).items() if value is not None}
    if "search" in params:
        params["q"] = params.pop("search")
    return params


@strawberry.type
class ImportMutations:
    @strawberry.mutation(description="Imports customers (and optionally their orders) from CSV files sent with the "
                                     "GraphQL multipart request convention; poll customerImport for progress. "
                                     "Columns: docs/data-rights.md, CSV import and export.")
    async def import_customers(self, info: Info, customers: Upload, orders: Upload | None = None) -> CustomerImport:
        ctx = info.context
        client = ctx.clients.csv_jobs
        body = {"customersFile": (await client.upload("customers", _chunks(_file(customers, "customers")),
                                                      ctx.forward_headers))["fileId"]}
        if orders is not None:
            body["ordersFile"] = (await client.upload("orders", _chunks(_file(orders, "orders")),
                                                      ctx.forward_headers))["fileId"]
        return CustomerImport.from_json(await client.start_import(body, ctx.forward_headers))

    @strawberry.mutation(description="Exports the customers a filter matches, or a segment's members, with the "
                                     "chosen columns, as CSV; poll customerExport for progress and the download "
                                     "link.")
    async def export_customers(self, info: Info, filter: CustomerFilter | None = None,
                               segment_id: strawberry.ID | None = None,
                               columns: list[str] | None = None) -> CustomerExport:
        ctx = info.context
        body: dict = {}
        if segment_id is not None:
            body["segmentId"] = segment_id
        if filter is not None or segment_id is None:
            body["filter"] = _filter_json(filter)
        if columns is not None:
            body["columns"] = columns
        return CustomerExport.from_json(await ctx.clients.csv_jobs.start_export(body, ctx.forward_headers))
