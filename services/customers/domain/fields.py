"""Reusable validated field types."""
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

import phonenumbers
from pydantic import AfterValidator, Field

Gender = Literal["male", "female", "other"]
CustomerStatus = Literal["active", "inactive", "suspended"]
LoyaltyTier = Literal["bronze", "silver", "gold", "platinum"]


def _e164(value: str) -> str:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("phone must be in E.164 format, e.g. +14155550123") from exc
    if not value.startswith("+") or not phonenumbers.is_valid_number(number):
        raise ValueError("phone must be a valid number in E.164 format, e.g. +14155550123")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _past_date(value: date) -> date:
    if value > date.today():
        raise ValueError("date must not be in the future")
    if value.year < 1900:
        raise ValueError("date must be after 1900")
    return value


def _tag(value: str) -> str:
    return value.strip().lower()


def _money(value: Decimal) -> Decimal:
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("at most 2 decimal places")
    return value


Phone = Annotated[str, AfterValidator(_e164)]
PastDate = Annotated[date, AfterValidator(_past_date)]
Tag = Annotated[str, Field(min_length=1, max_length=50), AfterValidator(_tag)]
ShortText = Annotated[str, Field(min_length=1, max_length=100)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("10000000")), AfterValidator(_money)]
