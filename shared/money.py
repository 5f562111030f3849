"""Amounts travel in currency units and are stored as integer minor units."""
from decimal import ROUND_HALF_UP, Decimal

MINOR_PER_UNIT = 100


def to_minor(amount: Decimal | int | float | str) -> int:
    value = Decimal(str(amount))
    minor = value * MINOR_PER_UNIT
    if minor != minor.to_integral_value():
        raise ValueError("at most 2 decimal places")
    return int(minor)


def to_units(minor: int) -> float:
    # JSON shows currency units (612.5); the float is only for display, never for arithmetic.
    return float(Decimal(minor) / MINOR_PER_UNIT)


def divide_minor(total: int, count: int) -> int:
    if count <= 0:
        return 0
    return int((Decimal(total) / count).quantize(Decimal(1), rounding=ROUND_HALF_UP))
