"""Consent in the graph: recordConsent (customers:write, attributed to the signed-in staff member) and
Customer.consents, batched across a page of customers."""
from gateway.auth.roles import Role

CREATE = """
mutation($input: CustomerCreateInput!) { createCustomer(input: $input) { id communication { email sms push } } }"""
RECORD = """
mutation($id: ID!, $input: ConsentInput!) {
  recordConsent(customerId: $id, input: $input) {
    id channel purpose status source wording ip userAgent actor { subject role } occurredAt
  }
}"""
CONSENTS = """
query($id: ID!) {
  customer(id: $id) {
    communication { email sms push }
    consents(first: 10) { totalCount edges { node { channel status source actor { subject } } } }
  }
}"""
PAGE = """
query { customers(first: 20) { edges { node { id consents(first: 1) { totalCount } } } } }"""


def _customer(email: str) -> dict:
    return {"firstName": "Hedy", "lastName": "Lamarr", "email": email}


async def test_record_consent_and_read_the_ledger_through_the_graph(graphql_as, customers_transport):
    support = graphql_as(Role.support, "sam@shop")
    created = (await support(CREATE, input=_customer("hedy.consent@example.com")))["data"]["createCustomer"]
    assert created["communication"] == {"email": False, "sms": False, "push": False}  # opted out by default

    granted = await support(RECORD, id=created["id"], input={
        "channel": "email", "status": "granted", "source": "customer_request",
        "wording": "Asked by phone to get the newsletter", "ip": "198.51.100.4", "userAgent": "Dashboard"})
    assert "errors" not in granted, granted
    record = granted["data"]["recordConsent"]
    assert (record["channel"], record["purpose"], record["status"], record["source"]) == \
        ("email", "marketing", "granted", "customer_request")
    assert record["actor"] == {"subject": "sam@shop", "role": "support"}
    assert record["ip"] == "198.51.100.4" and record["userAgent"] == "Dashboard"

    customer = (await support(CONSENTS, id=created["id"]))["data"]["customer"]
    assert customer["communication"]["email"] is True
    assert customer["consents"]["totalCount"] == 1
    assert customer["consents"]["edges"][0]["node"] == {"channel": "email", "status": "granted",
                                                        "source": "customer_request",
                                                        "actor": {"subject": "sam@shop"}}

    # A page of customers reads every ledger with one call to the customers service.
    await support(CREATE, input=_customer("second.consent@example.com"))
    customers_transport.paths.clear()
    page = (await support(PAGE))["data"]["customers"]["edges"]
    assert sorted(edge["node"]["consents"]["totalCount"] for edge in page) == [0, 1]
    assert customers_transport.paths.count("/consents") == 1


async def test_bad_consent_input_and_roles(graphql_as):
    admin = graphql_as(Role.admin)
    customer_id = (await admin(CREATE, input=_customer("bad.consent@example.com")))["data"]["createCustomer"]["id"]
    ok = {"channel": "sms", "status": "granted", "source": "admin"}

    unknown_source = await admin(RECORD, id=customer_id, input={**ok, "source": "telepathy"})
    [error] = unknown_source["errors"]
    assert error["extensions"]["code"] == "VALIDATION" and error["extensions"]["field"] == "source"
    system_only = await admin(RECORD, id=customer_id, input={**ok, "source": "double_opt_in"})
    assert system_only["errors"][0]["extensions"]["field"] == "source"
    bad_ip = await admin(RECORD, id=customer_id, input={**ok, "ip": "999.1.1.1"})
    assert bad_ip["errors"][0]["extensions"]["field"] == "ip"
    unknown_channel = await admin(RECORD, id=customer_id, input={**ok, "channel": "fax"})
    assert unknown_channel["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "channel" in unknown_channel["errors"][0]["message"]
    missing = await admin(RECORD, id="no-such-customer", input=ok)
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    refused = await graphql_as(Role.marketer)(RECORD, id=customer_id, input=ok)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    ledger = (await admin(CONSENTS, id=customer_id))["data"]["customer"]
    assert ledger["consents"]["totalCount"] == 0 and ledger["communication"]["sms"] is False


async def test_create_customer_with_its_consent_proof(graphql_as):
    storefront = graphql_as(Role.support, "storefront@shop")
    created = await storefront(CREATE, input={
        **_customer("proof.consent@example.com"), "communication": {"email": True},
        "consent": {"source": "signup_form", "wording": "Join the club", "ip": "192.0.2.55", "userAgent": "UA/1"}})
    customer = created["data"]["createCustomer"]
    assert customer["communication"] == {"email": True, "sms": False, "push": False}
    [edge] = (await storefront(CONSENTS, id=customer["id"]))["data"]["customer"]["consents"]["edges"]
    assert (edge["node"]["source"], edge["node"]["status"]) == ("signup_form", "granted")
    bad = await storefront(CREATE, input={**_customer("proof2.consent@example.com"),
                                          "consent": {"source": "signup_form"}})  # proof of no flags
    assert bad["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "consent"}
