"""Queries customerCohorts(months) and activity(first, after, filter) (permission customers:read); the growth
figures hang off customerStats (gateway/customers/queries.py) as CustomerStats.growth (growth.py)."""
from datetime import datetime, timezone

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from gateway.metrics_queries.types import ActivityFeedConnection, ActivityFilter, Cohort, FeedEntry
from gateway.pagination import Edge, PageInfo, page_window

MAX_COHORT_MONTHS = 36


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()


@strawberry.type
class MetricsQueries:
    @strawberry.field(description="Cohort retention by registration month: the last `months` months (this one "
                                  "included), oldest first; for each, the share who bought in each month since.")
    async def customer_cohorts(self, info: Info, months: int = 12) -> list[Cohort]:
        if not 1 <= months <= MAX_COHORT_MONTHS:
            raise GraphQLError(f"months must be between 1 and {MAX_COHORT_MONTHS}",
                               extensions={"code": "VALIDATION", "field": "months"})
        return [Cohort.from_json(row) for row in await info.context.clients.customers.cohorts(months)]

    @strawberry.field(description="Recent activity across all customers, newest first: orders, returns, points, "
                                  "tiers, profile changes and interactions, each with the customer's name.")
    async def activity(self, info: Info, first: int = 20, after: str | None = None,
                       filter: ActivityFilter | None = None) -> ActivityFeedConnection:
        limit, _ = page_window(first, None)  # `after` is the feed's own keyset cursor, checked by the service
        wanted = filter or ActivityFilter()
        params = {"limit": limit, "after": after, "customerId": wanted.customer_id,
                  "kinds": ",".join(wanted.kinds) if wanted.kinds else None,
                  "since": _iso(wanted.since), "until": _iso(wanted.until)}
        page = await info.context.clients.customers.activity_feed({k: v for k, v in params.items() if v is not None})
        edges = [Edge(cursor=item["cursor"], node=FeedEntry.from_json(item)) for item in page["items"]]
        return ActivityFeedConnection(edges=edges, page_info=PageInfo(
            has_next_page=page["hasMore"], has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))
