"""Segment requests (create, update, preview, bulk actions) and the pre-built segments of a fresh system."""
import re
from typing import Annotated, Literal, Union

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from services.customers.domain.fields import CustomerStatus, Tag
from services.customers.segments.domain.ast import Node
from services.customers.segments.domain.criteria import Criteria, from_ast, to_ast
from services.customers.segments.domain.language import parse_query
from services.customers.segments.domain.lexer import QuerySyntaxError
from services.customers.segments.domain.printer import to_text
from shared.api import InputModel
from shared.errors import ValidationFailed

Slug = Annotated[str, Field(min_length=2, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Query = Annotated[str, Field(min_length=1, max_length=4000)]


class SegmentCreate(InputModel):
    name: Name
    description: str = Field("", max_length=500)
    slug: Slug | None = Field(None, description="stable name; defaults to the name in snake_case")
    criteria: Criteria | None = None
    query: Query | None = Field(None, description="the same criteria in the segment query language")

    @model_validator(mode="after")
    def _one_definition(self) -> "SegmentCreate":
        if self.criteria is not None and self.query is not None:
            raise ValueError("give criteria or query, not both")
        return self


class SegmentUpdate(InputModel):
    name: Name | None = None
    description: str | None = Field(None, max_length=500)
    criteria: Criteria | None = None
    query: Query | None = None

    @model_validator(mode="after")
    def _one_definition(self) -> "SegmentUpdate":
        if self.criteria is not None and self.query is not None:
            raise ValueError("give criteria or query, not both")
        return self


class SegmentPreview(InputModel):
    criteria: Criteria | None = None
    query: Query | None = None
    sample_size: int = Field(10, alias="sampleSize", ge=0, le=50)

    @model_validator(mode="after")
    def _one_definition(self) -> "SegmentPreview":
        if (self.criteria is None) == (self.query is None):
            raise ValueError("give criteria or query (exactly one)")
        return self


class _Bulk(InputModel):
    idempotency_key: str | None = Field(None, alias="idempotencyKey", min_length=1, max_length=100)


class AddTags(_Bulk):
    action: Literal["add_tags"]
    tags: list[Tag] = Field(min_length=1, max_length=20)


class RemoveTags(_Bulk):
    action: Literal["remove_tags"]
    tags: list[Tag] = Field(min_length=1, max_length=20)


class SetStatus(_Bulk):
    action: Literal["set_status"]
    status: CustomerStatus


class ExportCsv(_Bulk):
    action: Literal["export_csv"]


class AwardPoints(_Bulk):
    action: Literal["award_points"]
    points: int = Field(ge=1, le=1_000_000)
    reason: str = Field("segment bonus", min_length=1, max_length=200)


class TargetCampaign(_Bulk):
    action: Literal["target_campaign"]
    campaign_id: str = Field(alias="campaignId", min_length=1, max_length=64)


BulkAction = Annotated[Union[AddTags, RemoveTags, SetStatus, ExportCsv, AwardPoints, TargetCampaign],
                       Field(discriminator="action")]


_BULK = TypeAdapter(BulkAction)


def parse_bulk(body) -> AddTags | RemoveTags | SetStatus | ExportCsv | AwardPoints | TargetCampaign:
    """Validates a bulk action, naming fields as the client wrote them (not prefixed with the action's tag)."""
    try:
        return _BULK.validate_python(body)
    except ValidationError as exc:
        details = []
        for error in exc.errors():
            loc = [str(p) for p in error["loc"]]
            if error["type"].startswith("union_tag") or not loc:
                loc = ["action"]
            elif isinstance(body, dict) and loc[0] == body.get("action"):
                loc = loc[1:] or ["action"]
            details.append({"field": ".".join(loc), "message": error["msg"]})
        first = details[0]
        raise ValidationFailed(f"{first['field']}: {first['message']}", field=first["field"], details=details) from exc


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"segment_{slug}".rstrip("_")
    return slug[:60]


def definition(criteria: Criteria | None, query: str | None) -> tuple[Node, dict, str]:
    """The AST with its two written forms (structured criteria and canonical query text)."""
    if query is not None:
        try:
            node = parse_query(query)
        except QuerySyntaxError as exc:
            raise ValidationFailed(str(exc), field="query",
                                   details=[{"field": "query", "position": exc.position,
                                             "expected": exc.expected, "message": str(exc)}]) from exc
    else:
        node = to_ast(criteria or Criteria())
    return node, from_ast(node), to_text(node)


# slug -> (name, description, criteria); thresholds are editable afterwards like any segment.
PREBUILT: dict[str, tuple[str, str, dict]] = {
    "frequent_buyers": ("Frequent Buyers", "Customers with 5 or more orders", {"totalOrders": {"min": 5}}),
    "high_value": ("High-Value Customers", "Customers who spent $1000+", {"totalSpent": {"min": 1000}}),
    "inactive": ("Inactive Customers", "No purchase in the last 90 days",
                 {"lastPurchaseDate": {"notWithinDays": 90}}),
    "vip": ("VIP Customers", "Customers tagged vip", {"tags": {"any": ["vip"]}}),
    "new_customers": ("New Customers", "Registered in the last 30 days",
                      {"registrationDate": {"withinDays": 30}}),
}
