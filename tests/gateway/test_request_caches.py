"""The per-request caches of the gateway (parsed documents, rules passed by a role) never let a caller through
that the rules refuse, and keep each refusal's code."""
from gateway.auth.roles import Role

QUERY = "query($first: Int!) { customers(first: $first) { totalCount } }"
MUTATION = 'mutation { deleteCustomer(id: "nobody") { deleted } }'


async def test_a_mutation_an_admin_passed_is_still_forbidden_to_a_viewer_and_back(graphql_as):
    for _ in range(2):  # the second round runs on cached documents and cached passes
        admin = await graphql_as(Role.admin)(MUTATION)
        viewer = await graphql_as(Role.viewer)(MUTATION)
        assert admin["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert viewer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_variables_are_part_of_a_pass(graphql_as, gateway_settings):
    run = graphql_as(Role.viewer)
    assert "errors" not in await run(QUERY, first=5)
    too_many = await run(QUERY, first=gateway_settings.max_page_size + 1)
    assert too_many["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert "errors" not in await run(QUERY, first=5)


async def test_a_document_that_does_not_parse_keeps_its_code_each_time(graphql_as):
    for _ in range(2):
        broken = await graphql_as(Role.viewer)("{ customers(first: 1) { totalCount }")
        assert broken["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_a_pass_is_kept_only_for_a_small_request():
    """A bulk mutation's variables are not kept: 1,024 of them could hold a lot of memory."""
    from types import SimpleNamespace

    from gateway.request_rules import PassedRules

    def execution(variables: dict) -> SimpleNamespace:
        return SimpleNamespace(context=SimpleNamespace(caller=None), variables=variables,
                               query="mutation($rows: [R!]!) { recordOrders(input: $rows) { ok } }")

    small = PassedRules.key(execution({"rows": [{"customerId": "c1"}]}))
    assert small is not None
    big = PassedRules.key(execution({"rows": [{"customerId": f"c{i}", "sku": "x" * 40} for i in range(500)]}))
    assert big is None
    cache = PassedRules()
    cache.remember(big)
    assert not cache.passed(big)
