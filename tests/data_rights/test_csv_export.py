"""CSV import and export through the gateway (real customers service, SecantusDB, RabbitMQ): importCustomers as a
GraphQL multipart upload with its progress, exportCustomers by filter and by segment with chosen columns, cells
escaped against formula injection (also the segment bulk export), the expiring download link, and the
permissions."""
import csv
import io
import json

import pytest

from gateway.auth.roles import Role
from gateway.auth.tokens import issue_token
from gateway.imports import links
from tests.conftest import eventually
from tests.customers.factories import customer_body

IMPORT = """mutation($customers: Upload!, $orders: Upload) {
  importCustomers(customers: $customers, orders: $orders) { id status total } }"""
IMPORT_JOB = """query($id: ID!) { customerImport(id: $id) { id status total processed progress created updated
  unchanged badRows ordersCreated ordersUnchanged problems { file line field message } } }"""
EXPORT = """mutation($filter: CustomerFilter, $segment: ID, $columns: [String!]) {
  exportCustomers(filter: $filter, segmentId: $segment, columns: $columns) { id status total } }"""
EXPORT_JOB = """query($id: ID!) { customerExport(id: $id) { id status total processed progress rows columns
  downloadUrl fileExpiresAt } }"""


@pytest.fixture
def headers_as(gateway_settings):
    def make(role: Role) -> dict:
        token = issue_token(gateway_settings.jwt_secret.get_secret_value(), f"test-{role.value}", role)
        return {"authorization": f"Bearer {token}"}
    return make


async def upload(gateway_http, headers: dict, customers: bytes, orders: bytes | None = None, *,
                 preflight: bool = True):
    variables = {"customers": None, "orders": None}
    mapping = {"0": ["variables.customers"]}
    files = {"0": ("customers.csv", customers, "text/csv")}
    if orders is not None:
        mapping["1"] = ["variables.orders"]
        files["1"] = ("orders.csv", orders, "text/csv")
    extra = {"graphql-preflight": "1"} if preflight else {}
    return await gateway_http.post("/graphql", headers={**headers, **extra}, files=files, data={
        "operations": json.dumps({"query": IMPORT, "variables": variables}), "map": json.dumps(mapping)})


async def finished(graphql, query: str, field: str, job_id: str) -> dict:
    seen: dict = {}

    async def done() -> bool:
        result = await graphql(query, id=job_id)
        assert "errors" not in result, result
        seen.update(result["data"][field])
        return seen["status"] in ("done", "failed")

    await eventually(done, 30, f"{field} {job_id} finished")
    assert seen["status"] == "done", seen
    return seen


async def test_import_through_the_graph_with_orders_and_progress(gateway_http, graphql, headers_as):
    customers = (b"firstName,lastName,email,tags\nAda,Lovelace,ADA@example.com,vip\n"
                 b"Bad,Row,not-an-email,\nBob,Stone,bob@example.com,\n")
    orders = (b"customerEmail,orderId,placedAt,status,sku,name,quantity,unitPrice\n"
              b"ada@example.com,o-1,2025-01-02T10:00:00Z,paid,DR-1,Dress,2,10.25\n")
    response = await upload(gateway_http, headers_as(Role.admin), customers, orders)
    assert response.status_code == 200, response.text
    started = response.json()["data"]["importCustomers"]
    assert started["total"] == 4
    job = await finished(graphql, IMPORT_JOB, "customerImport", started["id"])
    assert (job["processed"], job["progress"], job["created"], job["badRows"], job["ordersCreated"]) == (
        4, 1.0, 2, 1, 1)
    assert job["problems"] == [{"file": "customers", "line": 3, "field": "email",
                                "message": job["problems"][0]["message"]}]
    found = await graphql('{ customers(filter: {search: "ada@example.com"}) { edges { node { email totalSpent '
                          'totalOrders tags } } } }')
    assert found["data"]["customers"]["edges"][0]["node"] == {"email": "ADA@example.com", "totalSpent": 20.5,
                                                              "totalOrders": 1, "tags": ["vip"]}
    again = (await upload(gateway_http, headers_as(Role.admin), customers, orders)).json()["data"]["importCustomers"]
    rerun = await finished(graphql, IMPORT_JOB, "customerImport", again["id"])
    assert (rerun["created"], rerun["updated"], rerun["unchanged"], rerun["ordersCreated"],
            rerun["ordersUnchanged"]) == (0, 0, 2, 0, 1)


async def test_import_refusals_are_coded(gateway_http, headers_as, graphql_as):
    no_preflight = await upload(gateway_http, headers_as(Role.admin), b"firstName\n", preflight=False)
    assert no_preflight.status_code == 400 and "Preflight" in no_preflight.text
    unknown = await upload(gateway_http, headers_as(Role.admin), b"firstName,lastName,email,shoeSize\nA,B,a@x.io,4\n")
    error = unknown.json()["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION" and error["extensions"]["field"] == "columns"
    assert "shoeSize" in error["message"]
    garbled = await upload(gateway_http, headers_as(Role.admin), b"\x89PNG\r\n\x1a\n\x00\x00garbage\xff")
    assert garbled.status_code == 200 and garbled.json()["errors"][0]["extensions"]["code"] == "VALIDATION"
    for role in (Role.viewer, Role.marketer, Role.support):
        refused = await upload(gateway_http, headers_as(role), b"firstName,lastName,email\nA,B,a@x.io\n")
        assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    as_string = await graphql_as(Role.admin)(IMPORT, customers="firstName,lastName,email\n")
    assert as_string["errors"][0]["extensions"]["code"] == "VALIDATION"


async def _seed(api) -> dict[str, str]:
    names = {"formula": "=HYPERLINK(\"http://evil.example\",\"click\")", "plus": "+1", "minus": "-2", "at": "@x",
             "plain": "Plain"}
    ids = {}
    for key, name in names.items():
        body = customer_body(firstName=name, lastName=key, tags=["vip"] if key != "plain" else ["other"])
        response = await api.post("/customers", json=body)
        assert response.status_code == 201, response.text
        ids[key] = response.json()["id"]
    return ids


async def _download(gateway_http, graphql, job_id: str) -> list[dict]:
    job = await finished(graphql, EXPORT_JOB, "customerExport", job_id)
    assert job["downloadUrl"].startswith(links.PATH)
    response = await gateway_http.get(job["downloadUrl"])  # the link is the credential: no header
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


async def test_export_by_filter_escapes_formulas_with_chosen_columns(gateway_http, graphql, api):
    await _seed(api)
    started = await graphql(EXPORT, filter={"tags": ["vip"]}, columns=["firstName", "lastName", "phone"])
    assert "errors" not in started, started
    assert started["data"]["exportCustomers"]["total"] == 4
    rows = await _download(gateway_http, graphql, started["data"]["exportCustomers"]["id"])
    assert list(rows[0]) == ["firstName", "lastName", "phone"]
    by_last = {r["lastName"]: r["firstName"] for r in rows}
    assert by_last == {"formula": "'=HYPERLINK(\"http://evil.example\",\"click\")", "plus": "'+1", "minus": "'-2",
                       "at": "'@x"}
    assert all(r["phone"] == "'+14155550123" for r in rows)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for r in rows for cell in r.values())


async def test_export_of_a_segment_and_the_segment_bulk_export_escape_the_same(gateway_http, graphql, api):
    ids = await _seed(api)

    async def counted() -> bool:
        return (await api.get("/customer-segments/vip")).json().get("customerCount") == 4

    await eventually(counted, 20, "vip segment counted")
    started = await graphql(EXPORT, segment="vip", columns=["id", "firstName"])
    rows = await _download(gateway_http, graphql, started["data"]["exportCustomers"]["id"])
    assert sorted(r["id"] for r in rows) == sorted(v for k, v in ids.items() if k != "plain")
    assert {r["firstName"] for r in rows} >= {"'+1", "'-2", "'@x"}
    job = (await api.post("/customer-segments/vip/bulk-actions", json={"action": "export_csv"})).json()

    async def bulk_done() -> bool:
        job.update((await api.get(f"/segment-jobs/{job['id']}")).json())
        return job["status"] == "done"

    await eventually(bulk_done, 20, "segment export done")
    bulk_rows = list(csv.DictReader(io.StringIO((await api.get(job["result"]["downloadPath"])).text)))
    assert {r["firstName"] for r in bulk_rows} == {r["firstName"] for r in rows}


async def test_expired_or_forged_links_and_bad_requests_are_refused(gateway_http, graphql, api, gateway_settings):
    await _seed(api)
    started = await graphql(EXPORT, columns=["email"])
    job_id = started["data"]["exportCustomers"]["id"]
    await _download(gateway_http, graphql, job_id)
    secret = gateway_settings.internal_token.get_secret_value()
    expired, _ = links.signed_path(secret, job_id, 60, now=0)
    response = await gateway_http.get(expired)
    assert response.status_code == 410 and response.json()["error"]["code"] == "GONE"
    forged, _ = links.signed_path("another-secret-entirely", job_id, 60)
    assert (await gateway_http.get(forged)).status_code == 403
    other, _ = links.signed_path(secret, "someone-elses-job", 60)
    assert (await gateway_http.get(other)).status_code == 404
    for variables, field in (({"columns": ["shoeSize"]}, "columns"),
                             ({"segment": "no-such-segment"}, "id"),
                             ({"segment": "vip", "filter": {"tags": ["x"]}}, "segmentId")):
        result = await graphql(EXPORT, **variables)
        assert result["errors"][0]["extensions"]["field"] == field, result


async def test_export_permission(graphql_as, graphql):
    started = await graphql(EXPORT)
    job_id = started["data"]["exportCustomers"]["id"]
    for role in (Role.viewer, Role.support):
        run = graphql_as(role)
        assert (await run(EXPORT))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert (await run(EXPORT_JOB, id=job_id))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    marketer = await graphql_as(Role.marketer)(EXPORT_JOB, id=job_id)
    assert "errors" not in marketer, marketer


@pytest.mark.parametrize("operations, mapping, with_file", [
    ("not json", "{}", True),
    (json.dumps({"query": IMPORT, "variables": {"customers": None}}), "not json", True),
    (json.dumps({"query": IMPORT, "variables": {"customers": None}}), json.dumps({"0": ["variables.nope.deep"]}),
     True),
    (json.dumps({"query": IMPORT, "variables": {"customers": None}}), json.dumps({"0": ["variables.customers"]}),
     False),
    (json.dumps({"query": IMPORT, "variables": None}), json.dumps({"0": ["variables.customers.0"]}), True),
    (json.dumps([1, 2]), json.dumps({"0": "variables"}), True),
    (json.dumps({"query": IMPORT}), json.dumps([]), True),
])
async def test_a_malformed_multipart_request_is_a_coded_4xx(gateway_http, headers_as, operations, mapping,
                                                             with_file):
    files = {"0": ("c.csv", b"firstName,lastName,email\nA,B,a@x.io\n", "text/csv")} if with_file else \
        {"other": ("c.csv", b"x", "text/csv")}
    response = await gateway_http.post("/graphql", headers={**headers_as(Role.admin), "graphql-preflight": "1"},
                                       files=files, data={"operations": operations, "map": mapping})
    assert response.status_code < 500, response.text
    body = response.json()
    assert body.get("errors") and all(e.get("extensions", {}).get("code") for e in body["errors"]), body


async def test_a_huge_upload_is_refused_before_it_is_read(gateway_http, headers_as, gateway_settings,
                                                          customers_transport):
    gateway_settings.max_upload_bytes = 4096
    customers_transport.paths.clear()
    huge = b"firstName,lastName,email\n" + b"Ada,Lovelace,ada@example.com\n" * 1000
    response = await upload(gateway_http, headers_as(Role.admin), huge)
    assert response.status_code == 413 and response.json()["errors"][0]["extensions"]["code"] == "TOO_LARGE"
    assert customers_transport.paths == []
