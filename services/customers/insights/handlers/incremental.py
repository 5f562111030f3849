"""Incremental scoring: a customer whose orders changed (recorded, cancelled, refunded, items returned) carries a
dirty mark, set in the same write that changed their totals; this scores the marked customers in batches with the
current model, off the order path. Until the first refit there is no model and the marks wait."""
from datetime import datetime

from services.customers.insights.domain.history import summarize
from services.customers.insights.domain.scoring import score
from services.customers.insights.handlers.parts import InsightParts


async def score_dirty(parts: InsightParts, now: datetime) -> int:
    """Scores one batch of dirty customers; answers how many it took (0: nothing to do, or no model yet)."""
    dirty = await parts.customers.dirty(parts.settings.score_batch_size)
    if not dirty:
        return 0
    model = await parts.models.current()
    if model is None:
        return 0
    marks = {d["_id"]: d["insightsDirtyAt"] for d in dirty}
    histories = summarize(await parts.customers.orders_of(list(marks)))
    insights = dict(score(histories, model, now).documents(now))
    await parts.customers.write_dirty(insights, marks)
    await parts.changed(list(marks))
    return len(marks)
