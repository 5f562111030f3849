"""The gateway's /metrics: HTTP requests and GraphQL operations by outcome and error code."""
from gateway.auth.roles import Role


async def test_metrics_count_operations_and_error_codes(gateway_http, graphql_as):
    await graphql_as(Role.viewer)("{ customerStats { totalCustomers } }")
    await graphql_as(Role.viewer)('mutation { deleteCustomer(id: "x") { deleted } }')
    text = (await gateway_http.get("/metrics")).text
    assert 'graphql_operations_total{operation_type="query",outcome="ok"}' in text
    assert 'graphql_errors_total{code="FORBIDDEN"}' in text
    assert 'http_requests_total{method="POST",route="/graphql",service="gateway",status="200"}' in text
    assert "graphql_operation_duration_seconds_bucket" in text
