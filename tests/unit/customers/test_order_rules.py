"""Pure order and return rules: totals in minor units, status moves, what stops counting, and return plans."""
from decimal import Decimal

import pytest

from services.customers.domain.orders import (
    TRANSITIONS,
    OrderItemInput,
    ReturnItemInput,
    can_move,
    is_paid,
    item_documents,
    order_total_minor,
    remaining_minor,
    stops_counting,
)
from services.customers.domain.returns import plan_return
from shared.errors import Conflict, ValidationFailed

STATUSES = list(TRANSITIONS)


def item(sku: str, quantity: int, unit_price_minor: int, returned: int = 0) -> dict:
    doc = {"sku": sku, "name": sku, "quantity": quantity, "unitPriceMinor": unit_price_minor}
    return {**doc, "returnedQuantity": returned} if returned else doc


def wanted(*pairs: tuple[str, int]) -> list[ReturnItemInput]:
    return [ReturnItemInput(sku=sku, quantity=quantity) for sku, quantity in pairs]


def test_items_are_stored_in_minor_units_and_the_total_is_their_sum():
    items = item_documents([OrderItemInput(sku="TEE", name="Tee", quantity=3, unitPrice=Decimal("19.99")),
                            OrderItemInput(sku="CAP", name="Cap", quantity=1, unitPrice=5)])
    assert [i["unitPriceMinor"] for i in items] == [1999, 500]
    assert order_total_minor(items) == 3 * 1999 + 500


def test_what_an_order_still_counts_for_is_its_total_less_its_returns():
    assert remaining_minor({"totalMinor": 6497}) == 6497
    assert remaining_minor({"totalMinor": 6497, "returnedMinor": 1999}) == 4498


@pytest.mark.parametrize("current, allowed", [
    ("pending", {"paid", "cancelled"}),
    ("paid", {"shipped", "cancelled", "refunded"}),
    ("shipped", {"delivered", "refunded"}),
    ("delivered", {"refunded"}),
    ("cancelled", set()),
    ("refunded", set()),
])
def test_each_status_moves_only_forward_to_its_successors(current, allowed):
    assert {target for target in STATUSES if can_move(current, target)} == allowed


def test_an_order_stops_counting_only_when_it_leaves_the_counted_statuses():
    assert stops_counting("paid", "cancelled") and stops_counting("delivered", "refunded")
    assert stops_counting("pending", "cancelled")
    assert not stops_counting("paid", "shipped")
    assert not stops_counting("cancelled", "refunded")  # already not counted: never taken off twice


def test_paid_shipped_and_delivered_are_paid():
    assert [s for s in STATUSES if is_paid(s)] == ["paid", "shipped", "delivered"]


def test_a_return_takes_a_sku_from_its_lines_in_order_and_prices_each_line():
    # The same sku in two sizes at two prices: the first line empties first.
    order_items = [item("TEE", 2, 1000), item("TEE", 2, 1200), item("CAP", 1, 500)]

    plan = plan_return(order_items, wanted(("TEE", 3)))

    assert [(line.sku, line.quantity, line.amount_minor) for line in plan.lines] == [("TEE", 3, 2 * 1000 + 1200)]
    assert plan.amount_minor == 3200
    assert [i.get("returnedQuantity", 0) for i in plan.items] == [2, 1, 0]
    assert "returnedQuantity" not in order_items[0]  # the order as read is left alone


def test_a_sku_named_twice_in_one_return_is_summed():
    plan = plan_return([item("TEE", 5, 1000)], wanted(("TEE", 1), ("TEE", 2)))
    assert [(line.quantity, line.amount_minor) for line in plan.lines] == [(3, 3000)]


def test_what_was_returned_before_cannot_be_returned_again():
    order_items = [item("TEE", 2, 1000, returned=1), item("CAP", 1, 500)]

    with pytest.raises(Conflict) as too_many:
        plan_return(order_items, wanted(("CAP", 1), ("TEE", 2)))

    assert too_many.value.field == "items.1.quantity"
    assert "only 1 of TEE" in too_many.value.message


def test_an_unknown_sku_names_the_item_in_the_request():
    with pytest.raises(ValidationFailed) as unknown:
        plan_return([item("TEE", 1, 1000)], wanted(("TEE", 1), ("SOCK", 1)))
    assert unknown.value.field == "items.1.sku"
