"""The refit: every customer's history read a page at a time, the shop's model fitted on all of them, everyone
rescored and written in batches, the fit appended to `insight_models`. Memory holds one page of orders and a few
numbers per customer, never the shop's orders."""
import logging
import time
from datetime import datetime, timedelta

import numpy as np

from services.customers.insights.domain.history import Histories, summarize
from services.customers.insights.domain.model import InsightsModel, fit_model
from services.customers.insights.domain.scoring import score
from services.customers.insights.handlers.parts import InsightParts

log = logging.getLogger(__name__)
MARK_MARGIN = timedelta(minutes=5)  # longer than any order transaction with its retries takes


async def refit(parts: InsightParts, now: datetime, triggered_by: dict | None = None) -> dict:
    """`triggered_by`: the staff member behind a manual refit (None: the schedule)."""
    started = time.perf_counter()
    histories = await read_histories(parts)
    model = fit_model(histories, now, parts.thresholds)
    scores = score(histories, model, now)
    size = parts.settings.batch_size
    for start in range(0, len(scores.ids), size):
        await parts.customers.write(scores.documents(now, start, start + size), now)
        await parts.changed(scores.ids[start:start + size])
    forgotten = await parts.customers.forget_unscored(model.id, now)
    # A mark is stamped when its order transaction starts and seen once it commits: only marks well before the
    # refit began are surely in what it read. Younger ones are left to the scorer.
    await parts.customers.clear_marks_before(now - MARK_MARGIN)
    duration = time.perf_counter() - started
    await parts.models.append(model, scored=len(scores.ids), duration_seconds=duration, triggered_by=triggered_by)
    result = summary(model) | {"scored": len(scores.ids), "forgotten": forgotten,
                               "durationSeconds": round(duration, 3)}
    log.info("customer insights refitted", extra={"result": result})
    return result


async def read_histories(parts: InsightParts) -> Histories:
    """Each page of customers' orders is reduced to their histories at once; the pages are then joined."""
    pages: list[Histories] = []
    async for customer_ids in parts.customers.customer_id_pages(parts.settings.batch_size):
        pages.append(summarize(await parts.customers.orders_of(customer_ids)))
    return join(pages)


def join(pages: list[Histories]) -> Histories:
    if not pages:
        return summarize([])
    return Histories(
        [customer_id for page in pages for customer_id in page.ids],
        *(np.concatenate([getattr(page, name) for page in pages])
          for name in ("orders", "repeats", "first", "last", "net_minor", "repeat_mean_minor")))


def summary(model: InsightsModel) -> dict:
    return {"modelId": model.id, "method": model.method, "customers": model.customers,
            "repeatCustomers": model.repeat_customers, "reason": model.reason}
