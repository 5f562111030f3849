"""importCustomers against the real customers service (SecantusDB, RabbitMQ): bad rows reported with line, field
and message and nothing of them written; upserts by email ignoring case; an orders file's totals; a re-run that
changes nothing and announces nothing; progress; refused files (unknown column, garbled, too large)."""
import pytest

from services.customers.domain.csv_cells import safe_cell
from tests.conftest import eventually

HEADER = "firstName,lastName,email,phone,dateOfBirth,gender,street,city,zipCode,country,tags,notes,status\n"


async def upload(api, text: str | bytes, kind: str = "customers"):
    body = text.encode() if isinstance(text, str) else text
    return await api.post("/customer-imports/files", params={"kind": kind}, content=body,
                          headers={"content-type": "text/csv"})


async def run_import(api, customers: str, orders: str | None = None) -> dict:
    files = {"customersFile": (await upload(api, customers)).json()["fileId"]}
    if orders is not None:
        response = await upload(api, orders, "orders")
        assert response.status_code == 201, response.text
        files["ordersFile"] = response.json()["fileId"]
    started = await api.post("/customer-imports", json=files)
    assert started.status_code == 202, started.text
    return await wait_done(api, started.json()["id"])


async def wait_done(api, job_id: str) -> dict:
    seen: dict = {}

    async def finished() -> bool:
        seen.update((await api.get(f"/csv-jobs/{job_id}")).json())
        return seen["status"] in ("done", "failed")

    await eventually(finished, 30, f"import {job_id} finished")
    assert seen["status"] == "done", seen
    return seen


async def by_email(api, email: str) -> dict | None:
    found = (await api.get("/customers", params={"q": email})).json()["items"]
    return found[0] if found else None


async def outbox_count(api) -> int:
    return await api.app_deps.runtime.db["outbox"].count_documents({})


@pytest.fixture
async def app_api(api, customers_app):
    api.app_deps = customers_app.state.deps
    return api


async def test_bad_rows_are_reported_and_good_rows_upserted_by_email_ignoring_case(app_api):
    api = app_api
    existing = (await api.post("/customers", json={"firstName": "Old", "lastName": "Name",
                                                   "email": "Mixed.Case@Example.com"})).json()
    csv_text = HEADER + "\n".join([
        "Ada,Lovelace,ada@example.com,+14155550123,1990-12-10,female,1 Main St,Springfield,62701,US,vip;news,hi,active",
        "Bad,Phone,bad.phone@example.com,12345,,,,,,,,,",
        "New,Name,MIXED.case@EXAMPLE.com,,,,,,,,,,",
        "No,Email,,,,,,,,,,,",
        "Fut,Ure,future@example.com,,2999-01-01,robot,,,,,,,",
        "Grace,Hopper,grace@example.com,,,,,,,,,,inactive",
    ]) + "\n"
    job = await run_import(api, csv_text)
    assert job["total"] == 6 and job["processed"] == 6 and job["progress"] == 1.0
    assert job["counts"].items() >= {"created": 2, "updated": 1, "unchanged": 0, "badRows": 3}.items()
    problems = {(p["line"], p["field"]) for p in job["problems"]}
    assert (3, "phone") in problems and (5, "email") in problems
    assert (6, "dateOfBirth") in problems and (6, "gender") in problems
    assert all(p["message"] for p in job["problems"])
    for email in ("bad.phone@example.com", "future@example.com"):
        assert await by_email(api, email) is None  # nothing of a bad row is written
    ada = await by_email(api, "ada@example.com")
    assert ada["tags"] == ["news", "vip"] and ada["address"]["city"] == "Springfield"
    assert ada["phone"] == "+14155550123"
    same = (await api.get(f"/customers/{existing['id']}")).json()
    assert same["firstName"] == "New" and same["email"] == existing["email"]  # the key: kept as stored
    total = (await api.get("/customers")).json()["total"]
    assert total == 3  # the existing one updated, Ada and Grace created
    timeline = (await api.get(f"/customers/{existing['id']}/activity")).json()["items"]
    assert any(e["type"] == "profile.updated" and "firstName" in e["summary"] for e in timeline)


async def test_orders_file_totals_and_a_rerun_changes_nothing(app_api):
    api = app_api
    customers = HEADER + "Ada,Lovelace,ada@example.com,,,,,,,,,,\nBob,Stone,bob@example.com,,,,,,,,,,\n"
    orders = ("customerEmail,orderId,placedAt,status,sku,name,quantity,unitPrice\n"
              "ADA@example.com,o-1,2025-01-02T10:00:00Z,paid,DR-1,Dress,2,49.99\n"
              "ada@example.com,o-1,,,SC-2,Scarf,1,19.50\n"
              "bob@example.com,o-2,2025-02-03T10:00:00Z,delivered,DR-1,Dress,1,49.99\n"
              "nobody@example.com,o-3,2025-02-03T10:00:00Z,paid,DR-1,Dress,1,10\n"
              "bob@example.com,o-4,2025-02-03T10:00:00Z,paid,DR-1,Dress,0,10\n")
    first = await run_import(api, customers, orders)
    assert first["total"] == 7
    assert first["counts"]["created"] == 2 and first["counts"]["ordersCreated"] == 2
    assert first["counts"]["ordersRefused"] == 2
    problems = {(p["file"], p["line"], p["field"]) for p in first["problems"]}
    assert ("orders", 5, "customerEmail") in problems and ("orders", 6, "quantity") in problems
    ada = await by_email(api, "ada@example.com")
    assert ada["totalOrders"] == 1 and ada["totalSpent"] == 119.48
    bob = await by_email(api, "bob@example.com")
    assert bob["totalOrders"] == 1 and bob["totalSpent"] == 49.99
    ada_timeline = (await api.get(f"/customers/{ada['id']}/activity")).json()["items"]
    assert sum(e["type"] == "order.placed" for e in ada_timeline) == 1

    events_before = await outbox_count(api)
    again = await run_import(api, customers, orders)
    assert again["counts"].items() >= {"created": 0, "updated": 0, "unchanged": 2, "ordersCreated": 0,
                                    "ordersUnchanged": 2}.items()
    assert await outbox_count(api) == events_before  # no new events at all
    ada_again = await by_email(api, "ada@example.com")
    assert ada_again["totalSpent"] == 119.48 and ada_again["updatedAt"] == ada["updatedAt"]
    assert len((await api.get(f"/customers/{ada['id']}/activity")).json()["items"]) == len(ada_timeline)


async def test_an_exported_formula_cell_reads_back_as_it_was(app_api):
    api = app_api
    name = "=HYPERLINK(\"http://x\")"
    row = f'"{safe_cell(name).replace(chr(34), chr(34) * 2)}",Lovelace,ada@example.com,,,,,,,,,,\n'
    await run_import(api, HEADER + row)
    assert (await by_email(api, "ada@example.com"))["firstName"] == name


async def test_progress_is_visible_while_it_runs(app_api, customers_app):
    api = app_api
    customers_app.state.csv.settings.batch_size = 5
    rows = "".join(f"P{i},Person,p{i}@example.com,,,,,,,,,,\n" for i in range(40))
    file_id = (await upload(api, HEADER + rows)).json()["fileId"]
    job_id = (await api.post("/customer-imports", json={"customersFile": file_id})).json()["id"]
    seen: list[int] = []

    async def finished() -> bool:
        job = (await api.get(f"/csv-jobs/{job_id}")).json()
        seen.append(job["processed"])
        assert job["total"] == 40
        return job["status"] == "done"

    await eventually(finished, 30, "import done")
    assert seen[-1] == 40 and seen == sorted(seen)


@pytest.mark.parametrize("body, field, words", [
    (HEADER.replace("notes", "nickname") + "A,B,a@example.com,,,,,,,,,,\n", "columns", "unknown column(s) nickname"),
    ("firstName,lastName\nA,B\n", "columns", "missing column(s) email"),
    (b"firstName,lastName,email\nA,\xff\xfe,a@example.com\n", "customers", "not UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "customers", "not UTF-8"),
    (b"firstName,lastName,email\nA\x00,B,a@example.com\n", "customers", "NUL byte"),
    ('firstName,lastName,email\nA,"never closed,a@example.com\n' + "x\n" * 200, "customers", "never closed"),
    ("", "customers", "empty"),
])
async def test_an_unreadable_file_is_a_clear_error_not_a_500(app_api, body, field, words):
    response = await upload(app_api, body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "VALIDATION" and error["field"] == field and words in error["message"], error


async def test_a_file_over_the_size_limit_is_refused(app_api, customers_app):
    customers_app.state.csv.settings.max_upload_bytes = 2048
    response = await upload(app_api, HEADER + "A,B,a@example.com,,,,,,,,,,\n" * 200)
    assert response.status_code == 413 and response.json()["error"]["code"] == "TOO_LARGE"
    store = customers_app.state.csv.store
    assert await store.chunks.count_documents({}) == 0  # what was stored of it is gone


async def test_starting_with_an_unknown_file_is_not_found(app_api):
    response = await app_api.post("/customer-imports", json={"customersFile": "nope"})
    assert response.status_code == 404 and response.json()["error"]["field"] == "customersFile"


async def test_consent_columns_go_to_the_ledger_once_and_erased_people_stay_out(app_api):
    api = app_api
    erased = (await api.post("/customers", json={"firstName": "Gone", "lastName": "Person",
                                                 "email": "gone@example.com", "phone": "+14155550199"})).json()
    assert (await api.delete(f"/customers/{erased['id']}")).status_code == 204  # deleting erases: suppressed
    text = ("firstName,lastName,email,phone,emailConsent,smsConsent\n"
            "Ada,Lovelace,ada@example.com,,yes,no\n"
            "Gone,Again,GONE@example.com,,,\n"
            "Other,Name,other@example.com,+14155550199,,\n"
            "Odd,Flag,odd@example.com,,maybe,\n")
    job = await run_import(api, text)
    problems = {(p["line"], p["field"]) for p in job["problems"]}
    assert problems == {(3, "email"), (4, "phone"), (5, "emailConsent")}
    assert job["counts"]["created"] == 1 and job["counts"]["consents"] == 1
    ada = await by_email(api, "ada@example.com")
    assert ada["communication"]["email"] is True and ada["communication"]["sms"] is False
    ledger = (await api.get(f"/customers/{ada['id']}/consents")).json()["items"]
    assert [(r["channel"], r["status"], r["source"]) for r in ledger] == [("email", "granted", "import")]
    again = await run_import(api, text)
    assert again["counts"]["consents"] == 0 and again["counts"]["unchanged"] == 1
    assert len((await api.get(f"/customers/{ada['id']}/consents")).json()["items"]) == 1
    assert await by_email(api, "other@example.com") is None
