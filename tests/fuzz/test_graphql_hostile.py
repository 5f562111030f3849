"""Malformed and hostile GraphQL against the gateway: always a 4xx or a 200 with coded errors, never a 5xx or a trace.

Requests go as an admin (bearer token), so what is tested is the handling of the input, not the permissions.
Cases are grouped a test per kind (a gateway with three services takes seconds to start), and a failing test
lists every case of its kind that failed.
"""
import json

from tests.fuzz.graphql_checks import each_case, errors_of, rejected

STATS = "{ customerStats { totalCustomers } }"
POINTS = "mutation($p: Int!) { addLoyaltyPoints(customerId: \"x\", points: $p, reason: \"r\") { points } }"
FIRST = "query($n: Int!) { customers(first: $n) { totalCount } }"
BY_ID = "query($id: ID!) { customer(id: $id) { id } }"
PREVIEW = "query($c: JSON, $q: String) { previewSegment(criteria: $c, query: $q) { count } }"
SCHEDULE = "mutation($d: DateTime!) { scheduleCampaign(id: \"x\", scheduledDate: $d) { id } }"


def _nested(depth: int) -> str:
    return "{ " + "a { " * depth + "b" + " }" * depth + " }"


def _sender(gateway_http, admin_headers, content_type: str | None = "application/json"):
    async def send(content):
        headers = {**admin_headers, **({"content-type": content_type} if content_type else {})}
        return await gateway_http.post("/graphql", content=content, headers=headers)
    return send


async def test_bodies_that_are_not_a_graphql_request(gateway_http, admin_headers):
    bodies = [b'{"query": ', b"not json at all", b"", b"\x00\xff\xfe", b'{"query": "' + STATS.encode() + b'"}}',
              b'"just a string"', b"123", b"null", b"true", b"[" * 5000 + b"]" * 5000,
              b'{"query": ' + b"[" * 5000 + b"]" * 5000 + b"}", b'{"query": "{ customer(id: \\"\\ud800\\") { id } }"}']
    await each_case(bodies, _sender(gateway_http, admin_headers), rejected)


async def test_wrong_content_types(gateway_http, admin_headers):
    body = json.dumps({"query": STATS})
    types = [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
             "application/graphql", "application/xml", "application/json; charset=latin-1", "*/*"]

    async def send(content_type):
        return await _sender(gateway_http, admin_headers, content_type)(body)
    await each_case(types, send, errors_of)  # a charset parameter may pass; anything else is a coded refusal


async def test_request_fields_of_the_wrong_shape(gateway_http, admin_headers):
    refused = [{"query": 123}, {"query": [STATS]}, {"query": {"a": 1}}, {"query": None}, {"query": True}, {},
               {"variables": {}}, {"query": STATS, "variables": "x"}, {"query": STATS, "variables": [1]},
               {"query": STATS, "extensions": "x"}, {"query": STATS, "operationName": 123},
               {"query": STATS, "operationName": "Nope"}, {"query": STATS, "operationName": {"a": 1}}]

    async def send(body):
        return await gateway_http.post("/graphql", json=body, headers=admin_headers)
    await each_case(refused, send, rejected)
    two_operations = {"query": f"query A {STATS} query B {STATS}"}
    await each_case([two_operations], send, errors_of)


async def test_hostile_documents(gateway_http, admin_headers):
    documents = [
        "{ customers { edges { node { id }}}}}}}", _nested(20), _nested(300), _nested(650), _nested(3000),
        "{ " + " ".join(f"a{i}: customerStats {{ totalCustomers }}" for i in range(500)) + " }",
        "{ customerStats { " + "totalCustomers " * 5000 + "} }",
        "fragment A on Query { ...B } fragment B on Query { ...A } { ...A }",
        "fragment A on Query { ...A } { ...A }", "{ ...Missing }", "{ customers { ...Missing } }",
        "fragment F on Customer { id } { customerStats { ...F } }",
        "{ customerStats @include(if: true) " + "@include(if: true) " * 300 + "{ totalCustomers } }",
        "{ customerStats @nope { totalCustomers } }", "{ customerStats @skip(if: \"yes\") { totalCustomers } }",
        "{ customerStats @deprecated { totalCustomers } }", "query @include(if: true) { customerStats { x } }",
        "subscription { customerStats { totalCustomers } }", "mutation { noSuchMutation }",
        "{ customers(first: 99999999999999999999999) { totalCount } }", "{ customers(first: -1) { totalCount } }",
        "{ customers(first: 1.5) { totalCount } }", "{ customers(first: \"1\") { totalCount } }",
        "{ customer(id: \"\\u0000\") { idx } }", "{ customer(id: \"\u202e\U0001F600\u0301\") { nope } }",
        "{ customer(id: \"" + "x" * 200_000 + "\") { nope } }", "query ($v: Int, $v: Int) { customerStats { x } }",
        "query ($v: Nope) { customerStats { totalCustomers } }", "\u0000", "#" * 100_000, "{" * 100_000,
        f"query {STATS[1:]} " * 200, "{ customer(id: 1e999) { id } }", "{ customers(sort: nope) { totalCount } }",
    ]

    async def send(query):
        return await gateway_http.post("/graphql", json={"query": query}, headers=admin_headers)
    await each_case(documents, send, rejected)
    await each_case(["{ __schema { types { name fields { name type { name ofType { name } } } } } }"], send,
                    errors_of)


async def test_variables_of_the_wrong_type_or_size(gateway_http, admin_headers):
    cases = [(FIRST, {"n": "ten"}), (FIRST, {"n": 2 ** 64}), (FIRST, {"n": 1e308}), (FIRST, {"n": None}),
             (FIRST, {}), (FIRST, {"n": 2 ** 31}), (FIRST, {"n": True}), (BY_ID, {"id": {"$ne": None}}),
             (BY_ID, {"id": ["a", "b"]}), (POINTS, {"p": 2 ** 31}), (POINTS, {"p": -(2 ** 31) - 1}),
             (POINTS, {"p": 10 ** 400}), (PREVIEW, {"c": {"totalSpent": {"min": 10 ** 30}}}),
             (PREVIEW, {"c": {"$where": "sleep(1000)"}}), (PREVIEW, {"c": [[[[[]]]]]}), (PREVIEW, {"c": "nope"}),
             (PREVIEW, {"q": "(" * 5000}), (PREVIEW, {"q": "total_spent >= 1e999999"}),
             (PREVIEW, {"c": {"tags": {"any": [{"$gt": ""}]}}}), (SCHEDULE, {"d": "not a date"}),
             (SCHEDULE, {"d": "99999-01-01T00:00:00Z"}), (SCHEDULE, {"d": 12}),
             ("query($x: Int) { customerStats { totalCustomers } }", {"x": "unused but wrong"})]

    async def send(case):
        query, variables = case
        return await gateway_http.post("/graphql", json={"query": query, "variables": variables},
                                       headers=admin_headers)
    await each_case(cases, send, rejected)


async def test_null_bytes_and_unicode_in_ids_and_strings(gateway_http, admin_headers):
    strange = ["", " ", "\u0000", "a\u0000b", "\ufeff", "\u202e\u0301", "\U0001F600" * 50, "..", "../customers",
               "%2e%2e%2f", "a/b?c=d#e", "\\", "$where", "{\"$gt\": \"\"}", "x" * 100_000, "\r\nX-Injected: 1"]
    queries = [BY_ID, "query($id: ID!) { campaign(id: $id) { id } }", "query($id: ID!) { segment(id: $id) { id } }",
               "query($id: ID!) { loyaltyProgram(id: $id) { id } }", "query($id: ID!) { segmentJob(id: $id) { id } }",
               "query($id: ID!) { campaignTemplate(id: $id) { id } }",
               "mutation($id: ID!) { deleteCustomer(id: $id) { deleted } }",
               "mutation($id: ID!) { addLoyaltyPoints(customerId: $id, points: 5, reason: $id) { points } }",
               "mutation($id: ID!) { redeemLoyaltyReward(customerId: $id, rewardId: $id, requestId: $id) { id } }"]
    cases = [(query, value) for query in queries for value in strange]

    async def send(case):
        query, value = case
        return await gateway_http.post("/graphql", json={"query": query, "variables": {"id": value}},
                                       headers=admin_headers)
    await each_case(cases, send, rejected)


async def test_batched_arrays(gateway_http, admin_headers):
    batches = [json.dumps([{"query": STATS}, {"query": STATS}]), "[]", "[1, 2]", json.dumps([{"query": STATS}] * 500),
               json.dumps([[{"query": STATS}]]), json.dumps([{"query": STATS}, "x"])]
    await each_case(batches, _sender(gateway_http, admin_headers), errors_of)


async def test_get_requests(gateway_http, admin_headers):
    params = [{"query": "mutation { deleteCustomer(id: \"x\") { deleted } }"}, {"query": STATS, "variables": "{not"},
              {"query": STATS, "variables": "5"}, {"query": STATS, "extensions": "[1]"}, {"query": "{" * 10_000},
              {}, {"query": STATS, "variables": "[" * 5000}]

    async def send(query_params):
        return await gateway_http.get("/graphql", params=query_params,
                                      headers={**admin_headers, "accept": "application/json"})
    await each_case(params, send, errors_of)
