"""auditLog: the audit trail, newest first (admins only)."""
from datetime import datetime, timezone

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from gateway.audit.store import InvalidAuditCursor, encode_cursor
from gateway.audit.types import AuditFilter, AuditRecord
from gateway.pagination import Connection, Edge, PageInfo, page_window


@strawberry.type
class AuditQueries:
    @strawberry.field(description="Every mutation made through the graph: who, what, on which ids, from where, "
                                  "and how it ended. Newest first.")
    async def audit_log(self, info: Info, first: int = 50, after: str | None = None,
                        filter: AuditFilter | None = None) -> Connection[AuditRecord]:
        limit, _ = page_window(first, None)
        wanted = filter or AuditFilter()
        wanted.from_, wanted.to = _utc(wanted.from_), _utc(wanted.to)
        if wanted.from_ and wanted.to and wanted.from_ > wanted.to:
            raise GraphQLError("from is after to", extensions={"code": "VALIDATION", "field": "filter.from"})
        try:
            records, total, more = await info.context.audit.page(
                limit=limit, after=after, actor=wanted.actor, target_id=wanted.target_id,
                operation=wanted.operation, since=wanted.from_, until=wanted.to)
        except InvalidAuditCursor as exc:
            raise GraphQLError(str(exc), extensions={"code": "VALIDATION", "field": "after"}) from exc
        edges = [Edge(cursor=encode_cursor(r), node=AuditRecord.from_record(r)) for r in records]
        return Connection(edges=edges, total_count=total, page_info=PageInfo(
            has_next_page=more, has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


def _utc(value: datetime | None) -> datetime | None:
    """A time written without an offset is read as UTC (as the services do)."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value
