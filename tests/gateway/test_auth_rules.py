"""Roles, tokens and the field policy as data (enforcement: test_auth_enforced.py)."""
from datetime import timedelta

import pytest

from gateway.auth.policy import FIELDS, required_permission
from gateway.auth.roles import Permission, Role, allows
from gateway.auth.tokens import InvalidToken, issue_token, read_token
from gateway.schema import build_schema
from gateway.settings import GatewaySettings

SECRET = "a-test-secret-of-at-least-32-bytes"


def test_every_root_field_has_a_policy_entry():
    schema = build_schema(GatewaySettings())._schema
    roots = {f"{t}.{f}" for t in ("Query", "Mutation", "Subscription") for f in schema.type_map[t].fields}
    assert roots - set(FIELDS) == set(), "add the new fields to gateway/auth/policy.py"


@pytest.mark.parametrize("role, coordinate, allowed", [
    (Role.admin, "Mutation.deleteCustomer", True),
    (Role.support, "Mutation.updateCustomer", True),
    (Role.support, "Mutation.addLoyaltyPoints", True),
    (Role.support, "Mutation.deleteCustomer", False),
    (Role.support, "Query.campaigns", False),
    (Role.support, "Customer.messages", False),
    (Role.marketer, "Mutation.createSegment", True),
    (Role.marketer, "Mutation.sendCampaign", True),
    (Role.marketer, "Query.customers", True),
    (Role.marketer, "Mutation.updateCustomer", False),
    (Role.viewer, "Query.customer", True),
    (Role.viewer, "Mutation.createCustomer", False),
    (Role.viewer, "Mutation.addLoyaltyPoints", False),
])
def test_roles_allow_and_deny(role, coordinate, allowed):
    type_name, field = coordinate.split(".")
    assert allows(role, required_permission(type_name, field)) is allowed


def test_an_unlisted_root_field_is_admin_only():
    permission = required_permission("Mutation", "somethingNew")
    assert permission is Permission.api_keys_manage
    assert [r for r in Role if allows(r, permission)] == [Role.admin]
    assert required_permission("Customer", "email") is None


def test_tokens_round_trip_and_reject_tampering_and_expiry():
    token = issue_token(SECRET, "ada", Role.marketer)
    assert read_token(SECRET, token) == ("ada", Role.marketer)
    with pytest.raises(InvalidToken):
        read_token("another-secret-of-thirty-two-bytes!!", token)
    with pytest.raises(InvalidToken):
        read_token(SECRET, issue_token(SECRET, "ada", Role.viewer, ttl=timedelta(seconds=-1)))
    with pytest.raises(InvalidToken):
        read_token(SECRET, token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
