"""The customers service's CSV import and export API (/customer-imports, /customer-exports, /csv-jobs), typed for
the gateway. An upload is streamed on as it is read, never held whole."""
from collections.abc import AsyncIterator

import httpx

from gateway.clients.base import ServiceClient, ServiceError, _error_from, path_id

UPLOAD_TIMEOUT = httpx.Timeout(300.0, connect=10.0)  # a large file takes longer than an ordinary call


class CsvJobsClient(ServiceClient):
    async def upload(self, kind: str, chunks: AsyncIterator[bytes], headers: dict) -> dict:
        try:
            response = await self.http.post(self.base_url + "/customer-imports/files", params={"kind": kind},
                                             content=chunks, headers={**headers, "content-type": "text/csv"},
                                             timeout=UPLOAD_TIMEOUT)
        except httpx.TimeoutException as exc:
            raise ServiceError(504, "UNAVAILABLE", f"{self.name} service timed out") from exc
        except httpx.TransportError as exc:
            raise ServiceError(503, "UNAVAILABLE", f"{self.name} service unreachable") from exc
        if response.status_code >= 400:
            raise _error_from(response, self.name)
        return response.json()

    async def start_import(self, body: dict, headers: dict) -> dict:
        return await self.request("POST", "/customer-imports", json=body, headers=headers)

    async def start_export(self, body: dict, headers: dict) -> dict:
        return await self.request("POST", "/customer-exports", json=body, headers=headers)

    async def job(self, job_id: str, problems: int = 100) -> dict:
        return await self.request("GET", f"/csv-jobs/{path_id(job_id)}", params={"problems": problems})

    def download_url(self, job_id: str) -> str:
        return f"{self.base_url}/customer-exports/{path_id(job_id)}/export.csv"
