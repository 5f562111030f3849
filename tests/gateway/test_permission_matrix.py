"""Every role against every mutation and every bulk action kind, compared with the tables in docs/gateway.md."""
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
)

from gateway.auth.roles import Role
from gateway.schema import build_schema
from gateway.settings import GatewaySettings

DOC = Path(__file__).resolve().parents[2] / "docs" / "gateway.md"
ROLES = [Role.admin, Role.marketer, Role.support, Role.viewer]  # the docs' column order
SCALARS = {"String": "matrix", "ID": "missing-id", "Int": 1, "Float": 1.0, "Boolean": True,
           "DateTime": "2030-01-01T00:00:00+00:00", "Date": "2000-01-01", "JSON": {},
           "Upload": "not-a-file"}  # importCustomers: refused as VALIDATION once past the permission check


def _table(heading: str) -> dict[str, set[Role]]:
    """The table under a heading: first column (without backticks) -> roles with a ✓."""
    text = DOC.read_text()
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or not cells[0].startswith("`"):
            continue
        rows[cells[0].strip("`")] = {role for role, cell in zip(ROLES, cells[2:]) if cell == "✓"}
    assert rows, f"no table under {heading!r} in docs/gateway.md"
    return rows


MUTATIONS = _table("### Every mutation, by role")
BULK_ACTIONS = _table("### Segment bulk actions: the permission of what they do")
SCHEMA = build_schema(GatewaySettings())._schema


def _value(graphql_type):
    """A value of this input type that passes GraphQL validation (the services may still refuse it)."""
    if isinstance(graphql_type, GraphQLNonNull):
        return _value(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return [_value(graphql_type.of_type)]
    if isinstance(graphql_type, GraphQLEnumType):
        return next(iter(graphql_type.values))
    if isinstance(graphql_type, GraphQLInputObjectType):
        return {name: _value(f.type) for name, f in graphql_type.fields.items() if isinstance(f.type, GraphQLNonNull)}
    assert isinstance(graphql_type, GraphQLScalarType)
    return SCALARS[graphql_type.name]


def _operation(name: str) -> tuple[str, dict]:
    """`mutation($a: T!) { name(a: $a) { __typename } }` with every required argument as a variable."""
    field = SCHEMA.mutation_type.fields[name]
    required = {arg: a for arg, a in field.args.items() if isinstance(a.type, GraphQLNonNull)}
    declared = ", ".join(f"${arg}: {a.type}" for arg, a in required.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in required)
    output = get_named_type(field.type)  # a list of objects needs a selection too
    selection = " { __typename }" if isinstance(output, (GraphQLObjectType, GraphQLUnionType,
                                                          GraphQLInterfaceType)) else ""
    query = f"mutation{f'({declared})' if declared else ''} {{ {name}{f'({passed})' if passed else ''}{selection} }}"
    return query, {arg: _value(a.type) for arg, a in required.items()}


def _codes(result: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in result.get("errors") or []]


def test_the_docs_list_every_mutation_and_every_bulk_action():
    assert set(MUTATIONS) == set(SCHEMA.mutation_type.fields)
    assert set(BULK_ACTIONS) == set(SCHEMA.type_map["SegmentBulkActionKind"].values)


async def _check(run, transports, allowed: bool, query: str, variables: dict, what: str) -> None:
    for transport in transports:
        transport.paths.clear()
    result = await run(query, **variables)
    if allowed:
        assert "FORBIDDEN" not in _codes(result), (what, result)
        return
    assert _codes(result) == ["FORBIDDEN"], (what, result)
    assert sum(len(t.paths) for t in transports) == 0, f"{what}: a refused mutation reached a service"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
async def test_each_role_gets_every_mutation_as_the_docs_say(graphql_as, role, customers_transport,
                                                             loyalty_transport, campaigns_transport):
    run = graphql_as(role)
    transports = (customers_transport, loyalty_transport, campaigns_transport)
    for name, allowed_roles in MUTATIONS.items():
        query, variables = _operation(name)
        if name == "startSegmentBulkAction":  # the row is about the field; each action has its own table
            variables["input"]["action"] = "export_csv"
        await _check(run, transports, role in allowed_roles, query, variables, f"{role.value} {name}")


BULK = """mutation($segment: ID!, $input: SegmentBulkActionInput!) {
  startSegmentBulkAction(segmentId: $segment, input: $input) { id } }"""
BULK_INPUT = {"tags": ["matrix"], "status": "suspended", "points": 1000000, "reason": "matrix",
              "campaignId": "missing-campaign"}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
async def test_each_role_gets_every_bulk_action_as_the_docs_say(graphql_as, role, customers_transport,
                                                                loyalty_transport, campaigns_transport):
    run = graphql_as(role)
    transports = (customers_transport, loyalty_transport, campaigns_transport)
    for action, allowed_roles in BULK_ACTIONS.items():
        variables = {"segment": "missing-segment", "input": {"action": action, **BULK_INPUT}}
        await _check(run, transports, role in allowed_roles, BULK, variables, f"{role.value} {action}")
        # The same action written as a literal instead of a variable is judged the same way.
        literal = BULK.replace("$input: SegmentBulkActionInput!", "").replace("($segment: ID!, )", "($segment: ID!)") \
            .replace("input: $input", f'input: {{action: {action}, tags: ["matrix"], points: 5, reason: "matrix"}}')
        await _check(run, transports, role in allowed_roles, literal, {"segment": "missing-segment"},
                     f"{role.value} {action} (literal)")


async def test_a_marketer_cannot_award_points_or_suspend_a_real_segment(graphql_as, graphql):
    """The issue's case, on a segment with members: nothing is queued, no one is credited or suspended."""
    created = await graphql('mutation { createCustomer(input: {email: "m@example.com", firstName: "M", '
                            'lastName: "Arketer", tags: ["vip"]}) { id } }')
    customer_id = created["data"]["createCustomer"]["id"]
    marketer = graphql_as(Role.marketer)
    for action_input in ('{action: award_points, points: 1000000, reason: "all of them"}',
                         '{action: set_status, status: suspended}'):
        result = await marketer(f'mutation {{ startSegmentBulkAction(segmentId: "vip_customers", '
                                f'input: {action_input}) {{ id }} }}')
        assert _codes(result) == ["FORBIDDEN"], result
    after = await graphql(f'{{ customer(id: "{customer_id}") {{ status loyaltyPoints }} }}')
    assert after["data"]["customer"] == {"status": "active", "loyaltyPoints": 0}
