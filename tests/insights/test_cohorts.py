"""GET /stats/cohorts: retention by registration month, on hand-built sign-ups and orders."""
from datetime import datetime, timedelta, timezone

from services.customers.domain.stats_periods import calendar_start, months_before
from tests.customers.factories import customer_body


def _order(placed: datetime, status: str = "paid") -> dict:
    return {"items": [{"sku": "S", "name": "Shirt", "quantity": 1, "unitPrice": 10}], "placedAt": placed.isoformat(),
            "status": status}


async def test_cohort_sizes_and_monthly_shares(api):
    this_month = calendar_start(datetime.now(timezone.utc), 1)
    m3, m2, m1 = (months_before(this_month, n) for n in (3, 2, 1))
    # Cohort m3: four sign-ups; cohort m2: two; cohort m1: one; one sign-up before the table's months.
    signups = {"a": m3, "b": m3 + timedelta(days=5), "c": m3 + timedelta(days=9), "d": m3 + timedelta(days=20),
               "e": m2 + timedelta(days=1), "f": m2 + timedelta(days=2), "g": m1 + timedelta(days=3),
               "old": months_before(this_month, 8)}
    ids = {}
    for key, when in signups.items():
        body = customer_body(registrationDate=when.isoformat())
        ids[key] = (await api.post("/customers", json=body)).json()["id"]
    orders = [("a", m3 + timedelta(days=2)), ("a", m3 + timedelta(days=3)),  # two orders, one buyer that month
              ("b", m3 + timedelta(days=6)), ("a", m2 + timedelta(days=4)), ("c", m1 + timedelta(days=1)),
              ("e", m2 + timedelta(days=3)), ("e", m1 + timedelta(days=8)), ("f", m1 + timedelta(days=9)),
              ("g", m1 + timedelta(days=4)), ("old", m2 + timedelta(days=1))]
    for key, when in orders:
        assert (await api.post(f"/customers/{ids[key]}/orders", json=_order(when))).status_code == 201
    await api.post(f"/customers/{ids['d']}/orders", json=_order(m2 + timedelta(days=1), "pending"))  # not paid

    response = await api.get("/stats/cohorts", params={"months": 4})
    assert response.status_code == 200, response.text
    table = response.json()
    assert [datetime.fromisoformat(row["cohort"]).replace(tzinfo=timezone.utc) for row in table] == \
        [m3, m2, m1, this_month]

    # The same table worked out from the data above.
    for row in table:
        cohort = datetime.fromisoformat(row["cohort"]).replace(tzinfo=timezone.utc)
        members = {k for k, when in signups.items() if calendar_start(when, 1) == cohort}
        assert row["size"] == len(members)
        months_since = (this_month.year - cohort.year) * 12 + this_month.month - cohort.month
        assert [cell["offset"] for cell in row["months"]] == list(range(months_since + 1))
        for cell in row["months"]:
            month = months_before(cohort, -cell["offset"])
            assert datetime.fromisoformat(cell["month"]).replace(tzinfo=timezone.utc) == month
            buyers = {k for k, when in orders if k in members and calendar_start(when, 1) == month}
            assert cell["buyers"] == len(buyers), (row["cohort"], cell)
            assert cell["sharePercent"] == (round(len(buyers) * 100 / len(members), 1) if members else 0.0)
    first = table[0]["months"]
    assert (first[0]["buyers"], first[0]["sharePercent"]) == (2, 50.0)  # a and b of four, in their first month
    assert table[3] == {**table[3], "size": 0} and table[3]["months"][0]["sharePercent"] == 0.0

    # A merge into the older profile keeps each sign-up and purchase in its own cohort: the table reads the same
    # (g's tombstone keeps its registration month, its orders keep placedBy g).
    merged = await api.post("/merges", json={"keepId": ids["e"], "mergeId": ids["g"]})
    assert merged.status_code == 200, merged.text
    assert (await api.get("/stats/cohorts", params={"months": 4})).json() == table

    # Into the younger one, the kept profile takes the earlier registration date (docs/data-rights.md): that
    # person moves to the earlier cohort with their orders; no sign-up is lost (documented in docs/insights.md).
    merged = await api.post("/merges", json={"keepId": ids["f"], "mergeId": ids["b"]})  # f: m2, b: m3
    assert merged.status_code == 200, merged.text
    after = (await api.get("/stats/cohorts", params={"months": 4})).json()
    sizes = [row["size"] for row in table]
    assert [row["size"] for row in after] == [sizes[0] + 1, sizes[1] - 1, *sizes[2:]]
    assert after[0]["months"][2]["buyers"] == table[0]["months"][2]["buyers"] + 1  # f's order in m1 moved along


async def test_months_out_of_range(api):
    for months in (0, 37, "x"):
        response = await api.get("/stats/cohorts", params={"months": months})
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "months"
