"""Per-item returns: which lines of an order a return takes back, and for how much."""
from dataclasses import dataclass

from services.customers.domain.orders import ReturnItemInput
from shared.errors import Conflict, ValidationFailed


@dataclass(frozen=True)
class ReturnedLine:
    sku: str
    quantity: int
    amount_minor: int  # quantity x the item's unit price


@dataclass(frozen=True)
class ReturnPlan:
    items: list[dict]  # the order's items with their new returnedQuantity
    lines: list[ReturnedLine]

    @property
    def amount_minor(self) -> int:
        return sum(line.amount_minor for line in self.lines)


def returnable(item: dict) -> int:
    return item["quantity"] - item.get("returnedQuantity", 0)


def plan_return(order_items: list[dict], wanted: list[ReturnItemInput]) -> ReturnPlan:
    """Takes each wanted quantity from the order's lines of that sku, in order (an order may list one sku twice,
    e.g. in two sizes). An unknown sku is a 422; more than is left to return is a 409; both name the item."""
    requested: dict[str, tuple[int, int]] = {}  # sku -> (first index in the request, summed quantity)
    for index, item in enumerate(wanted):
        first, quantity = requested.get(item.sku, (index, 0))
        requested[item.sku] = (first, quantity + item.quantity)
    items = [dict(item) for item in order_items]
    lines = []
    for sku, (index, quantity) in requested.items():
        matching = [item for item in items if item["sku"] == sku]
        if not matching:
            raise ValidationFailed(f"the order has no item {sku}", field=f"items.{index}.sku")
        left = sum(returnable(item) for item in matching)
        if quantity > left:
            raise Conflict(f"only {left} of {sku} can still be returned", field=f"items.{index}.quantity")
        amount, to_take = 0, quantity
        for item in matching:
            taken = min(returnable(item), to_take)
            item["returnedQuantity"] = item.get("returnedQuantity", 0) + taken
            amount += taken * item["unitPriceMinor"]
            to_take -= taken
        lines.append(ReturnedLine(sku, quantity, amount))
    return ReturnPlan(items, lines)
