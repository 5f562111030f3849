"""Customer insights against the real customers service: orders in, a refit, the insights on the customer (REST
and GraphQL), the incremental rescore after a new order, the list's filters and sorts, the fit's record, bad
input."""
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from services.customers.settings import CustomersSettings
from tests.conftest import eventually
from tests.customers.factories import customer_body

NOW = datetime.now(timezone.utc)


@pytest.fixture
def customers_settings(service_env, isolation):
    # A fast incremental scorer, and thresholds a test-sized shop can reach.
    return CustomersSettings(mongo_database=f"customers_{isolation}", **service_env,
                             insights={"score_poll_seconds": 0.1, "min_customers": 30, "min_repeat_customers": 10})


async def new_customer(api, **overrides) -> str:
    response = await api.post("/customers", json=customer_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def order(customer_id: str, days_ago: float, price: float, order_id: str | None = None, **extra) -> dict:
    row = {"customerId": customer_id, "placedAt": (NOW - timedelta(days=days_ago)).isoformat(),
           "items": [{"sku": "TEE", "name": "Tee", "quantity": 1, "unitPrice": price}], **extra}
    return {**row, "id": order_id} if order_id else row


async def record(api, rows: list[dict]) -> None:
    response = await api.post("/orders/batch", json={"orders": rows})
    assert response.status_code == 200, response.text
    assert all(r["ok"] for r in response.json()["results"]), response.text


async def insights_of(api, customer_id: str) -> dict | None:
    response = await api.get(f"/customers/{customer_id}")
    assert response.status_code == 200, response.text
    return response.json()["insights"]


async def three_customers(api) -> dict[str, str]:
    ids = {name: await new_customer(api, firstName=name) for name in ("Loyal", "New", "Gone")}
    await record(api, [order(ids["Loyal"], 3, 90, "l-1"), order(ids["Loyal"], 40, 90, "l-2"),
                       order(ids["Loyal"], 90, 90, "l-3"), order(ids["New"], 1, 20, "n-1"),
                       order(ids["Gone"], 400, 10, "g-1"), order(ids["Gone"], 380, 35, "g-2")])
    return ids


async def test_a_small_shop_gets_heuristic_insights_net_of_refunds_and_returns(api):
    ids = await three_customers(api)
    # Gone: the second order refunded, and one of two items of... a return on the first order's only item line.
    refund = await api.patch(f"/customers/{ids['Gone']}/orders/g-2", json={"status": "refunded"})
    assert refund.status_code == 200, refund.text
    await record(api, [{**order(ids["Loyal"], 60, 0, "l-4"),
                        "items": [{"sku": "A", "name": "A", "quantity": 2, "unitPrice": 25}]}])
    returned = await api.post(f"/customers/{ids['Loyal']}/orders/l-4/returns",
                              json={"reason": "too small", "items": [{"sku": "A", "quantity": 1}]})
    assert returned.status_code == 201, returned.text
    assert await insights_of(api, ids["Loyal"]) is None  # nothing is scored before the first refit

    response = await api.post("/insights/refit")
    assert response.status_code == 200, response.text
    fit = response.json()
    assert fit["method"] == "heuristic" and "too little data" in fit["reason"]
    assert fit["customers"] == 3 and fit["scored"] == 3

    loyal, new, gone = [await insights_of(api, ids[name]) for name in ("Loyal", "New", "Gone")]
    assert loyal["historicClv"] == 270 + 25  # three tees, and the half of l-4 that was kept
    assert gone["historicClv"] == 10  # the refunded order counts for nothing
    assert (loyal["rfm"]["group"], new["rfm"]["group"], gone["rfm"]["group"]) == ("Loyal", "New", "Lost")
    assert loyal["rfm"]["score"] == 100 * loyal["rfm"]["recency"] + 10 * loyal["rfm"]["frequency"] + \
        loyal["rfm"]["monetary"]
    assert all(i["method"] == "heuristic" for i in (loyal, new, gone))
    assert gone["churnRisk"] == pytest.approx(1 - gone["pAlive"]) and gone["churnRisk"] > 0.5
    assert loyal["pAlive"] == 1.0 and loyal["expectedNextOrderAt"] is not None

    current = (await api.get("/insights/model")).json()
    assert current["id"] == fit["id"] and current["boundaries"]["frequency"]


async def test_a_new_order_rescores_the_customer_with_the_current_model(api):
    ids = await three_customers(api)
    await api.post("/insights/refit")
    before = await insights_of(api, ids["Gone"])
    await record(api, [order(ids["Gone"], 0, 500, "g-3")])

    async def rescored() -> bool:
        now = await insights_of(api, ids["Gone"])
        return now["updatedAt"] != before["updatedAt"]
    await eventually(rescored, what="the incremental rescore")
    after = await insights_of(api, ids["Gone"])
    assert after["historicClv"] == before["historicClv"] + 500
    assert after["rfm"]["recency"] == 5 and after["pAlive"] > before["pAlive"]
    assert (await api.get("/insights/models")).json()[0]["id"] == (await api.get("/insights/model")).json()["id"]
    # A whole refund takes it out again.
    await api.patch(f"/customers/{ids['Gone']}/orders/g-3", json={"status": "refunded"})
    await eventually(lambda: _historic_is(api, ids["Gone"], before["historicClv"]), what="the refund's rescore")


async def _historic_is(api, customer_id: str, value: float) -> bool:
    return (await insights_of(api, customer_id))["historicClv"] == value


async def a_shop_with_history(api, customers: int = 60) -> list[str]:
    """Customers with seeded histories drawn from a BG/NBD process (rate ~ Gamma(0.8, 30 days), dropout after a
    purchase ~ Beta(1, 3)) and Gamma-distributed spend: enough repeat buyers for the models (settings above)."""
    rng = np.random.default_rng(4)
    ids, rows = [], []
    for i in range(customers):
        customer_id = await new_customer(api, firstName=f"C{i}")
        ids.append(customer_id)
        age = float(rng.uniform(200, 700))
        rate, dropout, spend = rng.gamma(0.8, 1 / 30), rng.beta(1, 3), float(rng.gamma(3.0, 20.0)) + 5
        times, t = [0.0], 0.0
        while True:
            t += rng.exponential(1 / rate)
            if t > age:
                break
            times.append(t)
            if rng.random() < dropout:
                break
        rows += [order(customer_id, age - t, round(spend * float(rng.uniform(0.5, 1.5)), 2)) for t in times]
    await record(api, rows)
    return ids


async def test_enough_history_fits_the_models_and_the_list_filters_and_sorts_on_them(api):
    await a_shop_with_history(api)
    fit = (await api.post("/insights/refit")).json()
    assert fit["method"] == "bgnbd_gamma_gamma", fit["reason"]
    assert set(fit["params"]["bgnbd"]) == {"r", "alpha", "a", "b"} and fit["logLikelihood"]["bgnbd"] < 0

    page = (await api.get("/customers", params={"sort": "predictedClv", "order": "desc", "limit": 100})).json()
    values = [c["insights"]["predictedClv"] for c in page["items"]]
    assert len(values) == 60 and values == sorted(values, reverse=True)
    assert all(c["insights"]["method"] == "bgnbd_gamma_gamma" for c in page["items"])

    by_risk = (await api.get("/customers", params={"sort": "churnRisk", "order": "asc", "limit": 100,
                                                   "minChurnRisk": 0.2, "maxChurnRisk": 0.9})).json()["items"]
    risks = [c["insights"]["churnRisk"] for c in by_risk]
    assert risks == sorted(risks) and all(0.2 <= r <= 0.9 for r in risks)

    groups = {c["insights"]["rfm"]["group"] for c in page["items"]}
    wanted = sorted(groups)[:2]
    chosen = (await api.get("/customers", params={"rfmGroup": ",".join(wanted), "limit": 100})).json()
    assert chosen["total"] == sum(1 for c in page["items"] if c["insights"]["rfm"]["group"] in wanted)
    assert {c["insights"]["rfm"]["group"] for c in chosen["items"]} == set(wanted)

    rich = (await api.get("/customers", params={"minPredictedClv": values[2], "limit": 100})).json()
    assert rich["total"] == sum(1 for v in values if v >= values[2])
    by_score = (await api.get("/customers", params={"sort": "rfmScore", "limit": 100})).json()["items"]
    scores = [c["insights"]["rfm"]["score"] for c in by_score]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("params, field", [
    ({"minChurnRisk": 1.5}, "minChurnRisk"),
    ({"maxChurnRisk": -0.1}, "maxChurnRisk"),
    ({"rfmGroup": "Sleepy"}, "rfmGroup"),
    ({"minPredictedClv": 10, "maxPredictedClv": 5}, None),
    ({"sort": "pAlive"}, "sort"),
])
async def test_bad_insight_filters_are_refused_with_the_field(api, params, field):
    response = await api.get("/customers", params=params)
    assert response.status_code == 422, response.text
    if field:
        assert field in response.text


async def test_the_graph_shows_insights_filters_on_them_and_refits(api, graphql, customers_transport):
    ids = await three_customers(api)
    refit = await graphql("mutation { refitCustomerInsights { id method customers reason } }")
    assert "errors" not in refit, refit
    assert refit["data"]["refitCustomerInsights"]["method"] == "heuristic"

    customers_transport.paths.clear()
    page = await graphql("""{ customers(first: 10, sort: historicClv) { edges { node { id firstName insights {
        rfm { recency frequency monetary score group } historicClv predictedClv churnRisk pAlive expectedNextOrderAt
        method updatedAt } } } } }""")
    assert "errors" not in page, page
    nodes = [e["node"] for e in page["data"]["customers"]["edges"]]
    assert [n["firstName"] for n in nodes] == ["Loyal", "Gone", "New"]  # 270 > 45 > 20
    assert nodes[0]["insights"]["rfm"]["group"] == "LOYAL" and nodes[2]["insights"]["method"] == "heuristic"
    assert customers_transport.paths == ["/customers"]  # the insights came with the page: no extra call

    lost = await graphql("""{ customers(filter: {rfmGroup: [AT_RISK, LOST], maxChurnRisk: 1}) {
        edges { node { id } } } }""")
    assert [e["node"]["id"] for e in lost["data"]["customers"]["edges"]] == [ids["Gone"]]

    model = await graphql("{ customerInsightsModel { id method customers params reason } }")
    assert model["data"]["customerInsightsModel"]["id"] == refit["data"]["refitCustomerInsights"]["id"]

    bad = await graphql("{ customers(filter: {minChurnRisk: 2}) { edges { node { id } } } }")
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert bad["errors"][0]["extensions"].get("field") == "minChurnRisk"
    unknown = await graphql('{ customers(filter: {rfmGroup: [SLEEPY]}) { edges { node { id } } } }')
    assert unknown["errors"] and "SLEEPY" in unknown["errors"][0]["message"]


async def test_a_viewer_reads_insights_but_cannot_refit(graphql_as):
    from gateway.auth.roles import Role
    refused = await graphql_as(Role.viewer)("mutation { refitCustomerInsights { id } }")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    read = await graphql_as(Role.viewer)("{ customerInsightsModel { id } }")
    assert "errors" not in read and read["data"]["customerInsightsModel"] is None


async def test_a_segment_on_insights_follows_the_incremental_rescore(api):
    from tests.segments.helpers import wait_ready
    ids = await three_customers(api)
    await api.post("/insights/refit")
    created = await api.post("/customer-segments", json={"name": "At risk", "query": 'rfm_group = "At risk"'})
    assert created.status_code == 201, created.text
    segment_id = created.json()["id"]
    await wait_ready(api, segment_id)

    async def members() -> set[str]:
        page = (await api.get(f"/customer-segments/{segment_id}/customers?limit=100")).json()
        return {c["id"] for c in page["items"]}
    assert await members() == {ids["Gone"]}  # two orders, both over a year ago: R 1, F 3
    await record(api, [order(ids["Gone"], 0, 30, "g-now")])  # back today: no longer at risk

    async def left() -> bool:
        return await members() == set()
    await eventually(left, what="the segment to follow the rescore")
    assert (await insights_of(api, ids["Gone"]))["rfm"]["recency"] == 5
