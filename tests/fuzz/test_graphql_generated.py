"""Hypothesis-generated text, numbers and JSON into the gateway's queries and mutations: never a 5xx or a trace.

One gateway (with its three services) serves all the examples of a test; examples are derandomized like the
OpenAPI fuzz, and FUZZ_EXAMPLES / FUZZ_RANDOM=1 dig deeper.
"""
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.graphql_checks import errors_of

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20")) * 2
GENERATED = settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=False,
                     derandomize=os.environ.get("FUZZ_RANDOM") != "1",
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text with the pieces that break things: NUL, unicode (no lone surrogates: JSON can't carry them), quotes, and
# template and segment-query syntax, joined in any order.
pieces = st.text(st.characters(exclude_categories=["Cs"]), max_size=8) | st.sampled_from(
    ["\u0000", "{{", "}}", "{%", "%}", "{#", "$", ".", "\"", "'", "\\", "/", ",", "(", ")", "AND", "OR", "HAS",
     "firstName", ">=", "1e999"])
text = st.lists(pieces, max_size=8).map("".join)
ints = st.integers(min_value=-(2 ** 31), max_value=2 ** 31 - 1)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | text
json_values = st.recursive(scalars,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                           max_leaves=12)
criteria = st.dictionaries(st.sampled_from(["totalSpent", "totalOrders", "tags", "loyaltyTier", "status",
                                            "registeredWithinDays", "lastOrderWithinDays", "$where", "city"]),
                           json_values, max_size=3) | json_values


def _runner(gateway_http, admin_headers):
    async def run(query: str, **variables):
        response = await gateway_http.post("/graphql", json={"query": query, "variables": variables},
                                           headers=admin_headers)
        return errors_of(response, echoes_input=True)
    return run


@GENERATED
@given(value=text)
async def test_generated_ids(gateway_http, admin_headers, value):
    run = _runner(gateway_http, admin_headers)
    for root in ("customer", "campaign", "segment", "loyaltyProgram", "campaignTemplate", "segmentJob"):
        await run(f"query($id: ID!) {{ {root}(id: $id) {{ id }} }}", id=value)


@GENERATED
@given(first=text, last=text, email=text, phone=text, notes=text, tags=st.lists(text, max_size=3))
async def test_generated_customers(gateway_http, admin_headers, first, last, email, phone, notes, tags):
    await _runner(gateway_http, admin_headers)(
        "mutation($i: CustomerCreateInput!) { createCustomer(input: $i) { id firstName notes tags } }",
        i={"firstName": first, "lastName": last, "email": email, "phone": phone or None, "notes": notes,
           "tags": tags})


@GENERATED
@given(customer_id=text, points=ints, reason=text)
async def test_generated_points(gateway_http, admin_headers, customer_id, points, reason):
    await _runner(gateway_http, admin_headers)(
        "mutation($c: ID!, $p: Int!, $r: String!) { addLoyaltyPoints(customerId: $c, points: $p, reason: $r) "
        "{ points } }", c=customer_id, p=points, r=reason)


@GENERATED
@given(query=text, criteria=criteria, sample=ints)
async def test_generated_segment_previews(gateway_http, admin_headers, query, criteria, sample):
    run = _runner(gateway_http, admin_headers)
    preview = "query($c: JSON, $q: String, $n: Int!) { previewSegment(criteria: $c, query: $q, sampleSize: $n) " \
              "{ count } }"
    await run(preview, q=query, n=sample)
    await run(preview, c=criteria, n=sample)
    await run("mutation($i: SegmentInput!) { createSegment(input: $i) { id slug } }",
              i={"name": query or "x", "query": query})


@GENERATED
@given(subject=text, content=text, segment=text)
async def test_generated_campaigns(gateway_http, admin_headers, subject, content, segment):
    run = _runner(gateway_http, admin_headers)
    created = await run("mutation($i: CampaignCreateInput!) { createCampaign(input: $i) { id } }",
                        i={"name": "Generated", "type": "email", "subject": subject, "content": content,
                           "targetCustomers": ["someone"]})
    await run("mutation($i: CampaignCreateInput!) { createCampaign(input: $i) { id } }",
              i={"name": "Generated", "type": "sms", "content": content, "targetSegment": segment})
    await run("mutation($i: TemplateCreateInput!) { createCampaignTemplate(input: $i) { id } }",
              i={"name": "Generated", "type": "email", "subject": subject, "content": content or "x"})
    assert created is not None
