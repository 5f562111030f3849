"""POST /orders/batch: up to 500 orders of any customers, one result per row; a bad row stops no other row. The
good rows are recorded set-based in one transaction (order_batch.record_orders, as a storefront batch is)."""
from dataclasses import dataclass

from pydantic import ValidationError
from pymongo.asynchronous.client_session import AsyncClientSession

from services.customers.domain.orders import BulkOrderRow
from services.customers.handlers.deps import Deps, utcnow
from services.customers.handlers.order_batch import NewOrder, in_transaction, order_document, record_orders
from shared.errors import AppError, ValidationFailed


@dataclass(frozen=True)
class RowResult:
    index: int
    order: dict | None = None
    recorded: bool = False  # False with an order: that id was already recorded for this customer
    error: AppError | None = None

    def to_json(self) -> dict:
        body: dict = {"index": self.index, "ok": self.error is None,
                      "orderId": self.order["_id"] if self.order else None}
        if self.error is None:
            body |= {"status": self.order["status"], "recorded": self.recorded}
        else:
            body["error"] = {"code": self.error.code, "message": self.error.message, "field": self.error.field}
        return body


def _invalid(exc: ValidationError) -> ValidationFailed:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ())) or None
    return ValidationFailed(f"{field}: {first.get('msg', 'invalid')}" if field else first.get("msg", "invalid"),
                            field=field)


async def record_bulk(deps: Deps, rows: list[dict], correlation_id: str | None = None) -> list[dict]:
    now = utcnow()
    results: dict[int, RowResult] = {}
    pending: list[tuple[int, NewOrder]] = []
    for index, row in enumerate(rows):
        try:
            parsed = BulkOrderRow.model_validate(row)
            doc = order_document(deps, parsed.customer_id, parsed, now)
        except ValidationError as exc:
            results[index] = RowResult(index, error=_invalid(exc))
            continue
        except AppError as exc:
            results[index] = RowResult(index, error=exc)
            continue
        pending.append((index, NewOrder(doc, "bulk", correlation_id)))

    async def work(session: AsyncClientSession):
        return await record_orders(deps, [new for _, new in pending], session, strict=False)

    if pending:
        for (index, _), outcome in zip(pending, await in_transaction(deps, work)):
            results[index] = RowResult(index, outcome.order, outcome.new, outcome.error)
    return [results[index].to_json() for index in range(len(rows))]
