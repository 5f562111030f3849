"""RFM and net value on hand-built order histories: quintile scores with ties, the R/F grid's groups, what counts
toward historic CLV (refunds, cancellations and returned items don't), and a shop of three customers."""
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from services.customers.insights.domain.history import summarize
from services.customers.insights.domain.model import HEURISTIC, fit_model
from services.customers.insights.domain.rfm import GROUPS, Boundaries, group_of, score
from services.customers.insights.domain.scoring import score as score_customers

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def order(customer: str, days_ago: float, total: int, status: str = "paid", returned: int = 0) -> dict:
    doc = {"customerId": customer, "placedAt": NOW - timedelta(days=days_ago), "status": status,
           "totalMinor": total}
    return {**doc, "returnedMinor": returned} if returned else doc


def insights_by_id(orders: list[dict]) -> dict[str, dict]:
    histories = summarize(orders)
    model = fit_model(histories, NOW)
    return dict(score_customers(histories, model, NOW).documents(NOW))


def test_a_score_counts_the_boundaries_a_value_is_strictly_above():
    bounds = (10.0, 20.0, 30.0, 40.0)
    assert score(np.array([5, 10, 11, 20, 35, 40, 41]), bounds).tolist() == [1, 1, 2, 2, 4, 4, 5]


def test_ties_share_a_score_and_the_skipped_scores_stay_unused():
    # Six one-time buyers of nine: three boundaries fall on 1, a second order is already in the top two fifths.
    orders = np.array([1, 1, 1, 1, 1, 1, 2, 3, 5])
    bounds = Boundaries.of(np.arange(9.0), orders, orders).frequency
    scores = score(orders, bounds).tolist()
    assert scores == [1] * 6 + [4, 5, 5]
    assert len({s for value, s in zip(orders, scores) if value == 1}) == 1


def test_the_r_f_grid_names_every_cell_with_one_of_the_eleven_groups():
    cells = {group_of(r, f) for r in range(1, 6) for f in range(1, 6)}
    assert cells == set(GROUPS)
    assert group_of(5, 5) == "Champions" and group_of(5, 1) == "New" and group_of(4, 1) == "Promising"
    assert group_of(3, 3) == "Need attention" and group_of(1, 5) == "Cannot lose them"
    assert group_of(1, 1) == "Lost" and group_of(2, 1) == "Hibernating" and group_of(2, 3) == "At risk"


def test_three_customers_get_scores_and_groups():
    insights = insights_by_id([
        order("loyal", 3, 9000), order("loyal", 40, 9000), order("loyal", 90, 9000),
        order("new", 1, 2000),
        order("gone", 400, 1000),
    ])
    assert {c: i["rfm"]["recency"] for c, i in insights.items()} == {"new": 5, "loyal": 3, "gone": 1}
    assert {c: i["rfm"]["frequency"] for c, i in insights.items()} == {"new": 1, "loyal": 5, "gone": 1}
    assert {c: i["rfm"]["monetary"] for c, i in insights.items()} == {"new": 3, "loyal": 5, "gone": 1}
    assert {c: i["rfm"]["group"] for c, i in insights.items()} == {"new": "New", "loyal": "Loyal", "gone": "Lost"}
    assert insights["loyal"]["rfm"]["score"] == 355
    assert all(i["method"] == HEURISTIC for i in insights.values())


def test_historic_value_is_net_of_refunds_cancellations_and_returned_items():
    insights = insights_by_id([
        order("c", 10, 10000),  # kept whole
        order("c", 20, 8000, returned=2500),  # a partial return: 55.00 still counts
        order("c", 30, 7000, status="refunded"),  # nothing counts
        order("c", 35, 4000, status="cancelled"),  # nothing counts
        order("c", 50, 3000, status="pending"),  # counts, like totalSpent
    ])
    assert insights["c"]["historicClvMinor"] == 10000 + 5500 + 3000
    assert insights["c"]["rfm"]["frequency"] == 1  # the only customer: every boundary is their own value


def test_a_customer_whose_orders_all_stopped_counting_has_no_insights():
    insights = insights_by_id([order("a", 5, 1000), order("b", 5, 1000, status="refunded")])
    assert set(insights) == {"a"}


def test_orders_on_one_day_are_one_purchase_for_the_model_but_two_orders_for_rfm():
    histories = summarize([order("c", 10.6, 1000), order("c", 10.3, 3000), order("c", 2, 500)])
    assert histories.orders.tolist() == [3] and histories.repeats.tolist() == [1]
    assert histories.repeat_mean_minor.tolist() == [500.0]  # the repeat day's value, not the first day's


@pytest.mark.parametrize("days_ago, expected_recency", [(0.5, 5), (1000, 1)])
def test_recency_is_scored_on_the_latest_order_date(days_ago, expected_recency):
    others = [order(f"o{i}", 10 * (i + 1), 1000) for i in range(9)]
    insights = insights_by_id(others + [order("c", days_ago, 1000)])
    assert insights["c"]["rfm"]["recency"] == expected_recency


def test_documents_built_a_batch_at_a_time_are_the_documents_built_at_once():
    orders = [order(f"c{i}", 3 * i + 1, 1000 + 10 * i) for i in range(25)] + [order("c3", 50, 700)]
    histories = summarize(orders)
    scores = score_customers(histories, fit_model(histories, NOW), NOW)
    batched = [doc for start in range(0, 25, 7) for doc in scores.documents(NOW, start, start + 7)]
    assert batched == scores.documents(NOW) and len(batched) == 25
