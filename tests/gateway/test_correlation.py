"""A request id given to the gateway travels to the service, into the events it causes, and on to their effects."""
from gateway.auth.roles import Role
from gateway.auth.tokens import issue_token
from tests.conftest import eventually

RECORD_ORDER = """mutation($id: ID!) { recordOrder(customerId: $id, input: {items: [
    {sku: "DR-1", name: "Dress", quantity: 1, unitPrice: 80}]}) { id } }"""


async def test_the_request_id_reaches_the_events_and_the_events_they_cause(gateway_http, gateway_settings, api,
                                                                           customers_app, loyalty_app):
    customer = (await api.post("/customers", json={"firstName": "C", "lastName": "Id",
                                                   "email": "corr@example.com"})).json()
    token = issue_token(gateway_settings.jwt_secret.get_secret_value(), "support-agent", Role.support)
    response = await gateway_http.post("/graphql", json={"query": RECORD_ORDER, "variables": {"id": customer["id"]}},
                                       headers={"authorization": f"Bearer {token}", "x-request-id": "req-7f3a"})
    assert "errors" not in response.json(), response.json()

    customers_outbox = customers_app.state.runtime.outbox.collection
    for event_type in ("order.recorded", "order.paid"):
        recorded = await customers_outbox.find_one({"routingKey": event_type})
        assert recorded["correlationId"] == "req-7f3a", event_type

    loyalty_outbox = loyalty_app.state.runtime.outbox.collection

    async def credited() -> bool:
        return await loyalty_outbox.find_one({"routingKey": "loyalty.points.changed"}) is not None
    await eventually(credited, 20, "loyalty credits the order")
    caused = await loyalty_outbox.find_one({"routingKey": "loyalty.points.changed"})
    assert caused["correlationId"] == "req-7f3a", "the consumer carries the event's correlation id on"
