"""Timestamps from callers: valid only if they have a UTC equivalent, since they are stored (BSON) in UTC.

`9999-12-31T23:59-05:00` or `0001-01-01T00:00+01:00` parse, but fall outside years 1-9999 once in UTC: converting
them raised OverflowError (a 500) wherever they were stored, compared or turned into a query.
"""
from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime


def has_utc_equivalent(value: datetime) -> datetime:
    if value.tzinfo is not None:
        try:
            value.astimezone(timezone.utc)
        except OverflowError as exc:
            raise ValueError("date out of range once converted to UTC") from exc
    return value


Timestamp = Annotated[datetime, AfterValidator(has_utc_equivalent)]
AwareTimestamp = Annotated[AwareDatetime, AfterValidator(has_utc_equivalent)]
