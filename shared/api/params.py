"""Query parameters every list and batch read takes: the page window, the customer ids of a batch, the caller's
correlation id."""
from typing import Annotated

from fastapi import Depends, Query, Request

from shared.errors import ValidationFailed

MAX_PAGE = 100
# Mongo takes the skip as a 64-bit integer and refuses anything wider (a 500); a million is far past any real list.
MAX_OFFSET = 1_000_000
# A batch read answers at most one page of customers: the gateway's loaders send at most 100 keys per call.
MAX_IDS = 100
MAX_ID_LENGTH = 128

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"page size, 1 to {MAX_PAGE}")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="how many items to skip")]


def parse_id_list(raw: str, field: str, *, most: int = MAX_IDS) -> list[str]:
    """Comma-separated ids: each stripped, empty ones dropped, duplicates dropped (first occurrence kept, so the
    answer follows the caller's order); more than `most` distinct ids or an over-long id is a VALIDATION error."""
    if len(raw) > most * (MAX_ID_LENGTH + 3):  # checked before splitting: a megabyte of commas is no list
        raise ValidationFailed(f"{field}: at most {most} ids of at most {MAX_ID_LENGTH} characters", field=field)
    ids = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if len(ids) > most:
        raise ValidationFailed(f"{field}: at most {most} ids per request, got {len(ids)}", field=field)
    too_long = next((i for i in ids if len(i) > MAX_ID_LENGTH), None)
    if too_long is not None:
        raise ValidationFailed(f"{field}: an id is at most {MAX_ID_LENGTH} characters ({too_long[:20]}...)",
                               field=field)
    return ids


# No maxLength in the document: the bound is parse_id_list's, and a fuzzer asked for 13,000 characters of any
# Unicode builds a URL longer than any client sends.
def _customer_ids(raw: Annotated[str, Query(
        alias="customerIds",
        description=f"comma-separated customer ids, at most {MAX_IDS} distinct, each at most {MAX_ID_LENGTH} "
                    "characters")]) -> list[str]:
    return parse_id_list(raw, "customerIds")


def correlation_id(request: Request) -> str | None:
    """The id that ties this call to the work that caused it: the caller's, else this request's own."""
    return request.headers.get("x-correlation-id") or getattr(request.state, "request_id", None)


CustomerIds = Annotated[list[str], Depends(_customer_ids)]
Correlation = Annotated[str | None, Depends(correlation_id)]
