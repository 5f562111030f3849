"""API keys: an admin creates one with a role, it is stored hashed, it works as a credential, and it can be revoked."""
from pymongo import AsyncMongoClient

from gateway.auth.roles import Role

CREATE = 'mutation($name: String!, $role: ApiKeyRole!) { createApiKey(name: $name, role: $role) ' \
         '{ key apiKey { id name role revokedAt } } }'
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }"
READ = "{ customers(first: 1) { totalCount } }"
WRITE = 'mutation { createCustomer(input: {email: "key@example.com", firstName: "K", lastName: "Ey"}) { email } }'


async def _post(gateway_http, query: str, headers: dict) -> dict:
    return (await gateway_http.post("/graphql", json={"query": query}, headers=headers)).json()


async def test_an_api_key_works_with_its_role_until_revoked(graphql, gateway_http):
    created = (await graphql(CREATE, name="Storefront sync", role="viewer"))["data"]["createApiKey"]
    key = created["key"]
    assert key.startswith("cmsk_") and created["apiKey"]["role"] == "viewer"

    for headers in ({"authorization": f"Bearer {key}"}, {"x-api-key": key}, {"authorization": f"ApiKey {key}"}):
        assert (await _post(gateway_http, READ, headers))["data"]["customers"]["totalCount"] >= 0
    denied = await _post(gateway_http, WRITE, {"x-api-key": key})
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    revoked = (await graphql(REVOKE, id=created["apiKey"]["id"]))["data"]["revokeApiKey"]
    assert revoked["revokedAt"] is not None
    refused = await _post(gateway_http, READ, {"x-api-key": key})
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert refused["data"] is None


async def test_only_the_hash_is_stored_and_the_list_never_shows_a_secret(graphql, gateway_settings):
    key = (await graphql(CREATE, name="ERP", role="support"))["data"]["createApiKey"]["key"]
    secret = key.removeprefix("cmsk_").split("_", 1)[1]  # the id is hex; the secret may hold "_"
    async with AsyncMongoClient(gateway_settings.mongo_url) as client:
        stored = await client[gateway_settings.mongo_database]["api_keys"].find_one({})
    assert secret not in str(stored) and len(stored["secretHash"]) == 64

    listed = await graphql("{ apiKeys { totalCount edges { node { name role createdBy } } } }")
    assert listed["data"]["apiKeys"]["totalCount"] == 1
    assert listed["data"]["apiKeys"]["edges"][0]["node"] == {"name": "ERP", "role": "support",
                                                              "createdBy": "test-admin"}
    assert secret not in str(listed)


async def test_a_wrong_secret_for_a_real_key_id_is_refused(graphql, gateway_http):
    key = (await graphql(CREATE, name="Forgery target", role="admin"))["data"]["createApiKey"]["key"]
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    refused = await _post(gateway_http, READ, {"x-api-key": forged})
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_only_admins_manage_keys_and_names_are_validated(graphql_as, graphql):
    denied = await graphql_as(Role.marketer)(CREATE, name="x", role="admin")
    assert denied["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "Mutation.createApiKey",
                                                 "permission": "api-keys:manage"}
    blank = await graphql(CREATE, name="   ", role="viewer")
    assert blank["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "name"}
    missing = await graphql(REVOKE, id="no-such-key")
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
