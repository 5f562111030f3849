"""Every field and mutation checks the caller's role; a denial is FORBIDDEN and reaches no service."""
import pytest

from gateway.auth.roles import Role

READ_CUSTOMERS = "{ customers(first: 1) { totalCount } }"
READ_SEGMENTS = "{ segments(first: 1) { totalCount } }"
READ_CAMPAIGNS = "{ campaigns(first: 1) { totalCount } }"
READ_PROGRAMS = "{ loyaltyPrograms(first: 1) { totalCount } }"
CREATE_CUSTOMER = """mutation { createCustomer(input: {email: "role@example.com", firstName: "R", lastName: "Ole"})
                     { id } }"""
DELETE_CUSTOMER = 'mutation { deleteCustomer(id: "missing-id") { deleted } }'
ADD_POINTS = 'mutation { addLoyaltyPoints(customerId: "missing-id", points: 5, reason: "goodwill") { points } }'
CREATE_SEGMENT = 'mutation { createSegment(input: {name: "Role test", query: "total_spent >= 10"}) { slug } }'
SEND_CAMPAIGN = 'mutation { sendCampaign(id: "missing-id") { status } }'
LIST_KEYS = "{ apiKeys { totalCount } }"

# (role, operation, allowed): allowed operations may still fail for other reasons (NOT_FOUND), never FORBIDDEN.
MATRIX = [
    *[(role, READ_CUSTOMERS, True) for role in Role],
    *[(role, READ_SEGMENTS, True) for role in Role],
    *[(role, READ_PROGRAMS, True) for role in Role],
    (Role.admin, READ_CAMPAIGNS, True), (Role.marketer, READ_CAMPAIGNS, True), (Role.viewer, READ_CAMPAIGNS, True),
    (Role.support, READ_CAMPAIGNS, False),
    (Role.admin, CREATE_CUSTOMER, True), (Role.support, CREATE_CUSTOMER, True),
    (Role.marketer, CREATE_CUSTOMER, False), (Role.viewer, CREATE_CUSTOMER, False),
    (Role.admin, DELETE_CUSTOMER, True), (Role.support, DELETE_CUSTOMER, False),
    (Role.marketer, DELETE_CUSTOMER, False), (Role.viewer, DELETE_CUSTOMER, False),
    (Role.admin, ADD_POINTS, True), (Role.support, ADD_POINTS, True),
    (Role.marketer, ADD_POINTS, False), (Role.viewer, ADD_POINTS, False),
    (Role.admin, CREATE_SEGMENT, True), (Role.marketer, CREATE_SEGMENT, True),
    (Role.support, CREATE_SEGMENT, False), (Role.viewer, CREATE_SEGMENT, False),
    (Role.admin, SEND_CAMPAIGN, True), (Role.marketer, SEND_CAMPAIGN, True),
    (Role.support, SEND_CAMPAIGN, False), (Role.viewer, SEND_CAMPAIGN, False),
    (Role.admin, LIST_KEYS, True), (Role.marketer, LIST_KEYS, False), (Role.support, LIST_KEYS, False),
    (Role.viewer, LIST_KEYS, False),
]


def _codes(result: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in result.get("errors", [])]


@pytest.mark.parametrize("role, operation, allowed", MATRIX)
async def test_each_role_is_allowed_and_denied_as_the_policy_says(graphql_as, role, operation, allowed,
                                                                   customers_transport, campaigns_transport,
                                                                   loyalty_transport):
    result = await graphql_as(role)(operation)
    if allowed:
        assert "FORBIDDEN" not in _codes(result), result
        return
    assert _codes(result) == ["FORBIDDEN"], result
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["field"].split(".")[0] in ("Query", "Mutation")
    calls = customers_transport.paths + campaigns_transport.paths + loyalty_transport.paths
    assert calls == [], "a denied operation must not reach any service"


async def test_a_denied_write_changes_nothing(graphql_as):
    denied = await graphql_as(Role.viewer)(CREATE_CUSTOMER)
    assert _codes(denied) == ["FORBIDDEN"]
    listed = await graphql_as(Role.admin)('{ customers(first: 10, filter: {search: "role@example.com"}) '
                                          '{ totalCount } }')
    assert listed["data"]["customers"]["totalCount"] == 0


async def test_a_nested_cross_service_field_is_checked_too(graphql_as):
    result = await graphql_as(Role.support)("{ customers(first: 5) { edges { node { id messages { totalCount } } } } }")
    assert _codes(result) == ["FORBIDDEN"]
    assert result["errors"][0]["extensions"]["field"] == "Customer.messages"


async def test_a_fragment_cannot_hide_a_forbidden_field(graphql_as):
    result = await graphql_as(Role.support)("query { ...Hidden } fragment Hidden on Query { campaigns { totalCount } }")
    assert _codes(result) == ["FORBIDDEN"]
    assert result["errors"][0]["extensions"]["field"] == "Query.campaigns"


async def test_anonymous_callers_must_sign_in(gateway_http, customers_transport):
    response = await gateway_http.post("/graphql", json={"query": READ_CUSTOMERS})
    body = response.json()
    assert _codes(body) == ["UNAUTHENTICATED"]
    assert "Authorization" in body["errors"][0]["message"]
    assert customers_transport.paths == []


@pytest.mark.parametrize("header", ["Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer cmsk_nope_nope"])
async def test_bad_credentials_are_refused_with_the_reason(gateway_http, header):
    response = await gateway_http.post("/graphql", json={"query": READ_CUSTOMERS}, headers={"authorization": header})
    body = response.json()
    assert _codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None


async def test_a_token_signed_with_another_secret_is_refused(gateway_http):
    from gateway.auth.tokens import issue_token
    forged = issue_token("another-secret-that-is-long-enough-123", "mallory", Role.admin)
    response = await gateway_http.post("/graphql", json={"query": READ_CUSTOMERS},
                                       headers={"authorization": f"Bearer {forged}"})
    assert _codes(response.json()) == ["UNAUTHENTICATED"]


async def test_introspection_is_public_so_tools_can_load_the_schema(gateway_http):
    response = await gateway_http.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_the_same_query_text_is_checked_for_each_caller(graphql_as):
    """Validation of a query text is cached; who may run it is not."""
    assert "errors" not in await graphql_as(Role.admin)(READ_CAMPAIGNS)
    assert _codes(await graphql_as(Role.support)(READ_CAMPAIGNS)) == ["FORBIDDEN"]
    assert "errors" not in await graphql_as(Role.viewer)(READ_CAMPAIGNS)
