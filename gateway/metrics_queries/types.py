"""Growth figures, the cohort table and feed entries as the graph shows them; built from the customers service's
JSON (GET /stats/growth, /stats/cohorts, /activity/feed). Definitions in docs/insights.md."""
from datetime import datetime, timezone
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from gateway.audit.types import Actor
from gateway.pagination import Edge, PageInfo


@strawberry.enum(description="A period and the one it is compared with (docs/insights.md). DAY_N: the last N days "
                             "against the N days before; MONTH, QUARTER, YEAR: the calendar one to date against the "
                             "previous one up to the same point. All in UTC.")
class StatsPeriod(Enum):
    DAY_7 = "DAY_7"
    DAY_30 = "DAY_30"
    DAY_90 = "DAY_90"
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    YEAR = "YEAR"


@strawberry.type(description="A count in the period, in the previous period, and the change in percent "
                             "(null when the previous count is 0).")
class CountFigure:
    value: int
    previous: int
    growth_percent: float | None

    @classmethod
    def from_json(cls, data: dict) -> "CountFigure":
        return cls(value=int(data["value"]), previous=int(data["previous"]), growth_percent=data["growthPercent"])


@strawberry.type(description="An amount (currency units) or a rate (percent) in the period, in the previous "
                             "period, and the change in percent (null when the previous value is 0).")
class AmountFigure:
    value: float
    previous: float
    growth_percent: float | None

    @classmethod
    def from_json(cls, data: dict) -> "AmountFigure":
        return cls(value=data["value"], previous=data["previous"], growth_percent=data["growthPercent"])


@strawberry.type(description="Each figure for the period against the previous one. Money counts when it moved: "
                             "an order when paid, a return or refund when made (a closed period never changes).")
class StatsGrowth:
    from_: datetime = strawberry.field(name="from")
    to: datetime
    previous_from: datetime
    previous_to: datetime
    new_customers: CountFigure = strawberry.field(description="profiles registered in the period")
    active_customers: CountFigure = strawberry.field(description="customers with at least one order paid in the "
                                                                 "period")
    orders: CountFigure = strawberry.field(description="orders paid in the period")
    gross_sales: AmountFigure = strawberry.field(description="what the orders paid in the period came to")
    refunds: AmountFigure = strawberry.field(description="returns and refunds made in the period, whatever the "
                                                         "order's date")
    revenue: AmountFigure = strawberry.field(description="gross sales less refunds")
    average_order_value: AmountFigure = strawberry.field(description="gross sales / orders")
    repeat_purchase_rate: AmountFigure = strawberry.field(description="percent of active customers for whom it "
                                                                      "was not their first paid order")

    @classmethod
    def from_json(cls, data: dict) -> "StatsGrowth":
        f = data["figures"]
        return cls(from_=datetime.fromisoformat(data["from"]), to=datetime.fromisoformat(data["to"]),
                   previous_from=datetime.fromisoformat(data["previousFrom"]),
                   previous_to=datetime.fromisoformat(data["previousTo"]),
                   new_customers=CountFigure.from_json(f["newCustomers"]),
                   active_customers=CountFigure.from_json(f["activeCustomers"]),
                   orders=CountFigure.from_json(f["orders"]), gross_sales=AmountFigure.from_json(f["grossSales"]),
                   refunds=AmountFigure.from_json(f["refunds"]), revenue=AmountFigure.from_json(f["revenue"]),
                   average_order_value=AmountFigure.from_json(f["averageOrderValue"]),
                   repeat_purchase_rate=AmountFigure.from_json(f["repeatPurchaseRate"]))


@strawberry.type
class CohortMonth:
    offset: int = strawberry.field(description="months after the registration month (0: that month)")
    month: datetime
    buyers: int = strawberry.field(description="how many of the cohort had an order paid that month")
    share_percent: float = strawberry.field(description="buyers / cohort size, in percent")


@strawberry.type(description="The customers who registered in one calendar month (UTC) and, for each month since, "
                             "how many of them bought.")
class Cohort:
    cohort: datetime = strawberry.field(description="the registration month (its first instant, UTC)")
    size: int
    months: list[CohortMonth]

    @classmethod
    def from_json(cls, data: dict) -> "Cohort":
        return cls(cohort=_utc(data["cohort"]), size=data["size"], months=[
            CohortMonth(offset=m["offset"], month=_utc(m["month"]), buyers=m["buyers"],
                        share_percent=m["sharePercent"]) for m in data["months"]])


@strawberry.type(description="One timeline entry of any customer.")
class FeedEntry:
    id: strawberry.ID
    customer_id: strawberry.ID
    customer_name: str | None = strawberry.field(description="null: the person's data was erased")
    type: str
    summary: str
    occurred_at: datetime
    data: JSON
    actor: Actor | None = strawberry.field(default=None, description="the staff member or API key behind it; "
                                                                      "null: the system or the storefront")

    @classmethod
    def from_json(cls, data: dict) -> "FeedEntry":
        return cls(id=data["id"], customer_id=data["customerId"], customer_name=data.get("customerName"),
                   type=data["type"], summary=data["summary"], occurred_at=datetime.fromisoformat(data["occurredAt"]),
                   data=data.get("data") or {}, actor=Actor.from_json(data.get("actor")))


@strawberry.type(description="A page of the feed, newest first; pageInfo.endCursor goes in `after` for the next "
                             "page (entries recorded meanwhile neither repeat nor go missing).")
class ActivityFeedConnection:
    edges: list[Edge[FeedEntry]]
    page_info: PageInfo


@strawberry.input
class ActivityFilter:
    kinds: list[str] | None = strawberry.field(default=None, description='entry types, e.g. "order.placed", or '
                                                                         'families, e.g. "order" for every order.*')
    customer_id: strawberry.ID | None = None
    since: datetime | None = strawberry.field(default=None, description="entries at or after this time")
    until: datetime | None = strawberry.field(default=None, description="entries before this time")


def _utc(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
