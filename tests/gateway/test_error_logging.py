"""A caller's mistake is not the server's: refusals and bad queries are logged at INFO, not ERROR."""
import logging

from gateway.auth.roles import Role


async def test_refusals_and_bad_queries_are_not_logged_as_errors(graphql_as, caplog):
    with caplog.at_level(logging.INFO):
        await graphql_as(Role.viewer)('mutation { deleteCustomer(id: "x") { deleted } }')
        await graphql_as(Role.admin)("{ customers { nope } }")
        await graphql_as(Role.admin)('{ customer(id: "missing") { id } }')
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    infos = [r for r in caplog.records if r.getMessage() == "graphql error for the caller"]
    assert errors == []
    assert len(infos) == 3
