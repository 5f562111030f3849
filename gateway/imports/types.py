"""CustomerImport and CustomerExport: a CSV job's progress and outcome."""
from datetime import datetime

import strawberry
from strawberry.types import Info

from gateway.imports import links


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.type(description="A row an import refused, and why; nothing of it was written.")
class ImportProblem:
    file: str = strawberry.field(description="customers or orders")
    line: int = strawberry.field(description="the file's line the row starts on (the header is line 1)")
    field: str | None = strawberry.field(description="the column at fault, when one is")
    message: str


@strawberry.type
class CustomerImport:
    id: strawberry.ID
    status: str = strawberry.field(description="queued, running, done or failed")
    total: int | None = strawberry.field(description="data rows in the files (customers and orders)")
    processed: int
    progress: float
    created: int
    updated: int
    unchanged: int = strawberry.field(description="rows whose customer already held every value given")
    consents: int = strawberry.field(description="consent decisions recorded (emailConsent, smsConsent columns)")
    bad_rows: int
    orders_created: int
    orders_unchanged: int = strawberry.field(description="orders already recorded under their id")
    orders_refused: int
    problems: list[ImportProblem] = strawberry.field(description="the first refused rows (up to 1,000), by file "
                                                                 "and line")
    error: str | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_json(cls, d: dict) -> "CustomerImport":
        counts = d.get("counts") or {}
        return cls(id=d["id"], status=d["status"], total=d.get("total"), processed=d["processed"],
                   progress=d["progress"], created=counts.get("created", 0), updated=counts.get("updated", 0),
                   unchanged=counts.get("unchanged", 0), consents=counts.get("consents", 0),
                   bad_rows=counts.get("badRows", 0),
                   orders_created=counts.get("ordersCreated", 0), orders_unchanged=counts.get("ordersUnchanged", 0),
                   orders_refused=counts.get("ordersRefused", 0),
                   problems=[ImportProblem(file=p.get("file", "customers"), line=p["line"], field=p.get("field"),
                                           message=p["message"]) for p in d.get("problems") or []],
                   error=d.get("error"), created_at=_time(d["createdAt"]), finished_at=_time(d.get("finishedAt")))


@strawberry.type
class CustomerExport:
    id: strawberry.ID
    status: str = strawberry.field(description="queued, running, done or failed")
    total: int | None
    processed: int
    progress: float
    rows: int
    columns: list[str]
    segment_id: strawberry.ID | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    file_expires_at: datetime | None = strawberry.field(description="when the file itself is deleted")

    @strawberry.field(description="A link to the CSV, valid for a few minutes from now (ask again for a fresh one); "
                                  "null until the export is done.")
    def download_url(self, info: Info) -> str | None:
        if self.status != "done":
            return None
        settings = info.context.extra["settings"]
        path, _ = links.signed_path(settings.internal_token.get_secret_value(), str(self.id),
                                    settings.export_link_seconds)
        return path

    @classmethod
    def from_json(cls, d: dict) -> "CustomerExport":
        return cls(id=d["id"], status=d["status"], total=d.get("total"), processed=d["processed"],
                   progress=d["progress"], rows=(d.get("counts") or {}).get("rows", 0), columns=d.get("columns") or [],
                   segment_id=d.get("segmentId"), error=d.get("error"), created_at=_time(d["createdAt"]),
                   finished_at=_time(d.get("finishedAt")), file_expires_at=_time(d.get("expiresAt")))
