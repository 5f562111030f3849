"""A person with a long history exports whole (not a first page), and past the stated bound the export is refused,
never cut (docs/data-rights.md, Access: the bound)."""
import uuid
from datetime import datetime, timedelta, timezone

import shared.data_export
from services.loyalty.domain.records import LedgerEntry
from tests.customers.factories import customer_body

MANY = 2_500  # moderate for the test database; the bound is shared.data_export.MAX_ROWS (200,000 a section)
EXPORT = """query($id: ID!) { exportCustomerData(customerId: $id) { document } }"""


async def _long_history(api, customers_app, loyalty_app) -> str:
    """A customer with MANY timeline entries and MANY ledger entries, written in bulk through the stores."""
    cid = (await api.post("/customers", json=customer_body())).json()["id"]
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    await customers_app.state.deps.activity.add_many(
        [{"customerId": cid, "type": "note", "summary": f"call {i}", "occurredAt": start + timedelta(minutes=i),
          "data": {}} for i in range(MANY)], session=None)
    await loyalty_app.state.deps.ledger.insert_many(
        [LedgerEntry(id=str(uuid.uuid4()), customer_id=cid, program_id=None, period=None, kind="adjust", points=1,
                     balance_after=i + 1, reason=f"bonus {i}", source_type="manual", source_id=f"s{i}",
                     created_at=start + timedelta(minutes=i)) for i in range(MANY)], session=None)
    return cid


async def _paged_ids(client, path: str) -> list[str]:
    """Every id the ordinary endpoint lists, page by page (100 is its largest page)."""
    ids: list[str] = []
    while True:
        page = (await client.get(path, params={"limit": 100, "offset": len(ids)})).json()
        ids += [item["id"] for item in page["items"]]
        if len(ids) >= page["total"]:
            return ids


async def test_a_long_history_exports_whole(api, loyalty_api, customers_app, loyalty_app):
    cid = await _long_history(api, customers_app, loyalty_app)
    customers_part = (await api.get(f"/customers/{cid}/data-export")).json()
    timeline_ids = await _paged_ids(api, f"/customers/{cid}/activity")
    assert len(timeline_ids) >= MANY
    assert [e["id"] for e in customers_part["timeline"]] == timeline_ids

    loyalty_part = (await loyalty_api.get(f"/customers/{cid}/data-export")).json()
    ledger_ids = await _paged_ids(loyalty_api, f"/customers/{cid}/loyalty/ledger")
    assert len(ledger_ids) == MANY
    assert [e["id"] for e in loyalty_part["ledger"]] == ledger_ids


async def test_past_the_bound_the_export_is_refused_not_cut(api, loyalty_api, customers_app, loyalty_app, graphql,
                                                            monkeypatch):
    cid = await _long_history(api, customers_app, loyalty_app)
    monkeypatch.setattr(shared.data_export, "MAX_ROWS", MANY - 1)
    refused = await loyalty_api.get(f"/customers/{cid}/data-export")
    assert refused.status_code == 413
    assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == ("EXPORT_TOO_LARGE", "customerId")
    answer = await graphql(EXPORT, id=cid)
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "EXPORT_TOO_LARGE"
