"""Money travels in currency units and is kept as integer minor units."""
from decimal import Decimal

import pytest

from shared.money import divide_minor, to_minor, to_units


@pytest.mark.parametrize("amount, minor", [
    (Decimal("19.99"), 1999), ("0.1", 10), (0.1, 10), (0.29, 29), (5, 500), ("1e2", 10_000), (Decimal("-3.5"), -350),
    ("10000000.00", 1_000_000_000),
])
def test_units_become_exact_minor_units(amount, minor):
    assert to_minor(amount) == minor
    assert isinstance(to_minor(amount), int)


@pytest.mark.parametrize("amount", ["0.001", Decimal("19.999"), 0.125])
def test_more_than_two_decimal_places_is_refused(amount):
    with pytest.raises(ValueError, match="2 decimal places"):
        to_minor(amount)


def test_minor_units_show_as_units():
    assert to_units(61250) == 612.5
    assert to_units(1) == 0.01
    assert to_units(-350) == -3.5


@pytest.mark.parametrize("total, count, share", [(1000, 3, 333), (1001, 2, 501), (999, 2, 500), (5, 2, 3), (4, 2, 2),
                                                 (100, 0, 0), (100, -1, 0)])
def test_division_rounds_half_up_and_nothing_divides_by_zero(total, count, share):
    assert divide_minor(total, count) == share
