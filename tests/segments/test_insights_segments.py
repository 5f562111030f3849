"""Segments on customer insights (RFM, CLV, churn): the query language and structured criteria select the scored
customers, a customer not scored yet matches no condition on them, and bad values are refused with the position or
field. Insights are written by the insights wing; here they are set on the customer documents directly."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.customers.factories import customer_body
from tests.segments.helpers import deps_of, wait_ready

NOW = datetime.now(timezone.utc)


def insights(group: str, churn: float, predicted_minor: int, historic_minor: int, *, score: int = 311,
             next_order_days: float | None = 10) -> dict:
    r, f, m = score // 100, score // 10 % 10, score % 10
    return {"rfm": {"recency": r, "frequency": f, "monetary": m, "score": score, "group": group},
            "historicClvMinor": historic_minor, "predictedClvMinor": predicted_minor, "pAlive": round(1 - churn, 4),
            "churnRisk": churn, "method": "bgnbd_gamma_gamma",
            "expectedNextOrderAt": None if next_order_days is None else NOW + timedelta(days=next_order_days),
            "updatedAt": NOW}


async def scored_shop(api, app) -> dict[str, str]:
    """Four customers: at risk and valuable, at risk and cheap, a champion, and one not scored yet."""
    ids = {name: (await api.post("/customers", json=customer_body(firstName=name, tags=[]))).json()["id"]
           for name in ("risky", "cheap", "champ", "unscored")}
    customers = deps_of(app).segments.store.customers
    for name, value in (("risky", insights("At risk", 0.82, 61_250, 120_000, score=155, next_order_days=-3)),
                        ("cheap", insights("At risk", 0.71, 4_000, 9_000, score=212)),
                        ("champ", insights("Champions", 0.05, 250_000, 400_000, score=555))):
        await customers.update_one({"_id": ids[name]}, {"$set": {"insights": value}})
    return ids


async def members_of(api, body: dict) -> set[str]:
    created = await api.post("/customer-segments", json=body)
    assert created.status_code == 201, created.text
    await wait_ready(api, created.json()["id"])
    page = (await api.get(f"/customer-segments/{created.json()['id']}/customers?limit=100")).json()
    return {c["id"] for c in page["items"]}


async def test_segments_on_insights_select_scored_customers(api, customers_app):
    ids = await scored_shop(api, customers_app)
    name = {v: k for k, v in ids.items()}

    async def found(body: dict) -> set[str]:
        return {name[i] for i in await members_of(api, {"name": f"s{len(seen)}", **body})}

    seen: list = []
    cases = [
        ({"query": 'rfm_group = "At risk"'}, {"risky", "cheap"}),
        ({"query": "churn_risk > 0.7"}, {"risky", "cheap"}),
        ({"query": "churn_risk > 0.71"}, {"risky"}),             # strict: 0.71 itself is not above 0.71
        ({"query": "predicted_clv >= 500"}, {"risky", "champ"}),  # 612.50 and 2500 units
        ({"query": "historic_clv < 100"}, {"cheap"}),
        ({"query": "rfm_score >= 500 OR rfm_recency = 2"}, {"champ", "cheap"}),
        ({"query": "expected_next_order_at < now"}, {"risky"}),   # overdue
        ({"query": "NOT rfm_group = Champions"}, {"risky", "cheap", "unscored"}),
        ({"criteria": {"rfmGroup": ["at risk"], "predictedClv": {"min": 500}}}, {"risky"}),
        ({"criteria": {"churnRisk": {"lt": 0.1}, "pAlive": {"min": 0.9}}}, {"champ"}),
        ({"criteria": {"rfmFrequency": {"max": 1}}}, {"cheap"}),
    ]
    for body, expected in cases:
        seen.append(body)
        assert await found(body) == expected, body
    created = await api.post("/customer-segments", json={"name": "Risky", "criteria": {"churnRisk": {"gt": 0.7}}})
    assert created.json()["query"] == "churn_risk > 0.7" and created.json()["criteria"] == {"churnRisk": {"gt": 0.7}}
    assert created.json()["timeBased"] is False
    overdue = await api.post("/customer-segments", json={"name": "Overdue", "query": "expected_next_order_at < now"})
    assert overdue.json()["timeBased"] is True
    assert overdue.json()["criteria"] == {"expectedNextOrderAt": {"notWithinDays": 0}}


async def test_membership_follows_insights_rescored_in_the_background(api, customers_app):
    from services.customers.segments.handlers.membership import insights_changed
    from services.customers.segments.handlers.recompute import refresh_time_based
    ids = await scored_shop(api, customers_app)
    segment = await api.post("/customer-segments", json={"name": "Churning", "query": "churn_risk >= 0.8"})
    await wait_ready(api, segment.json()["id"])
    assert (await api.get("/customer-segments/churning")).json()["customerCount"] == 1
    deps = deps_of(customers_app)
    customers = deps.segments.store.customers
    # The insights wing rescoring customers (its own bulk write) and then telling segments which ones it scored.
    await customers.update_one({"_id": ids["champ"]}, {"$set": {"insights.churnRisk": 0.9}})
    assert await insights_changed(deps, [ids["champ"], ids["unscored"]]) == 1
    assert (await api.get("/customer-segments/churning")).json()["customerCount"] == 2
    # Without the call, the sweep (which covers segments on insights as well as time-based ones) catches up.
    await customers.update_one({"_id": ids["risky"]}, {"$set": {"insights.churnRisk": 0.1}})
    assert await refresh_time_based(deps, datetime.now(timezone.utc)) == 1
    assert (await api.get("/customer-segments/churning")).json()["customerCount"] == 1
    changes = (await api.get("/customer-segments/churning/changes")).json()["items"]
    assert [(c["customerId"], c["change"], c["clause"]) for c in changes[:2]] == [
        (ids["risky"], "left", "churn_risk >= 0.8"), (ids["champ"], "entered", "churn_risk >= 0.8")]


@pytest.mark.parametrize("query, position, words", [
    ("churn_risk > 2", 14, "from 0 to 1"),
    ('rfm_group = "Sleepy"', 13, "not a rfm_group"),
    ("rfm_score >= 600", 14, "from 111 to 555"),
    ("rfm_recency = 0", 15, "from 1 to 5"),
    ("p_alive >= high", 12, "a number from 0 to 1"),
    ("predicted_clv >= 10.001", 18, "at most 2 decimals"),
    ("expected_next_order_at < soon", 26, "now"),
])
async def test_bad_insight_values_in_a_query_name_the_position(api, query, position, words):
    response = await api.post("/customer-segments", json={"name": "X", "query": query})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "query" and error["details"][0]["position"] == position, error
    assert words in error["message"], error


@pytest.mark.parametrize("criteria, field", [
    ({"churnRisk": {"gt": 2}}, "criteria.churnRisk.gt"),
    ({"pAlive": {"min": -0.1}}, "criteria.pAlive.min"),
    ({"rfmGroup": ["Sleepy"]}, "criteria.rfmGroup.0"),
    ({"rfmScore": {"min": 99}}, "criteria.rfmScore.min"),
    ({"rfmMonetary": {"max": 6}}, "criteria.rfmMonetary.max"),
    ({"predictedClv": {"min": "lots"}}, "criteria.predictedClv.min"),
    ({"expectedNextOrderAt": {"withinDays": -1}}, "criteria.expectedNextOrderAt.withinDays"),
    ({"churnRisk": {"min": 0.9, "max": 0.1}}, "criteria.churnRisk"),
])
async def test_bad_insight_criteria_name_the_field(api, criteria, field):
    response = await api.post("/customer-segments", json={"name": "X", "criteria": criteria})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field, response.json()
    preview = await api.post("/customer-segments/preview", json={"criteria": criteria})
    assert preview.status_code == 422 and preview.json()["error"]["field"] == field
