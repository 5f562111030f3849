"""exportCustomerData: one document with everything every service holds on a person, the same as a file, for the
roles allowed only, audited; an unknown id and a service down fail cleanly (docs/data-rights.md, Access)."""
import re

import httpx
import pytest
from asgi_lifespan import LifespanManager

from gateway.auth.roles import Role
from gateway.auth.tokens import issue_token
from tests.campaigns.conftest import (  # noqa: F401  (fixtures: a campaigns app that really sends, and its sinks)
    add_customer,
    campaigns_app,
    campaigns_settings,
    email_campaign,
    segments,
    segments_transport,
    sinks,
    wait_status,
)
from tests.conftest import eventually

EXPORT = """query($id: ID!) { exportCustomerData(customerId: $id) { customerId exportedAt downloadUrl document } }"""
AUDIT = """query($op: String!) { auditLog(first: 20, filter: {operation: $op}) { edges { node {
  operation outcome targetIds input actor { subject role } } } } }"""
ORDER = {"items": [{"sku": "DR-1", "name": "Dress", "quantity": 2, "unitPrice": 40, "size": "S"},
                   {"sku": "BG-2", "name": "Bag", "quantity": 1, "unitPrice": 20.5}]}
SECTIONS = {"format", "exportedAt", "customerId", "profile", "orders", "timeline", "segments", "consents", "loyalty",
            "messages", "audit"}


def _local(url: str) -> str:
    return url.removeprefix("http://campaigns")


def _headers(settings, role: Role, subject: str) -> dict:
    return {"authorization": f"Bearer {issue_token(settings.jwt_secret.get_secret_value(), subject, role)}"}


async def _customer_with_history(graphql, api, loyalty_api, campaigns_api, campaigns_app, sinks) -> dict:
    """A customer made through the graph (audited), with two orders (one partly returned), points, a redemption,
    a custom segment, and an email campaign they opened and clicked."""
    created = await graphql("""mutation($input: CustomerCreateInput!) { createCustomer(input: $input) { id email } }""",
                            input={"firstName": "Erin", "lastName": "Export", "email": "erin.export@example.com",
                                   "phone": "+14155550199", "communication": {"email": True}})
    assert "errors" not in created, created
    customer = created["data"]["createCustomer"]
    cid = customer["id"]
    for order_id in ("exp-1", "exp-2"):
        answer = await api.post(f"/customers/{cid}/orders", json={"id": order_id, **ORDER})
        assert answer.status_code == 201, answer.text
    returned = await api.post(f"/customers/{cid}/orders/exp-1/returns",
                              json={"id": "exp-r1", "reason": "too small", "items": [{"sku": "DR-1", "quantity": 1}]})
    assert returned.status_code == 201, returned.text

    added = await graphql("""mutation($id: ID!) { addLoyaltyPoints(customerId: $id, points: 500, reason: "welcome")
                             { points } }""", id=cid)
    assert "errors" not in added, added

    async def earned() -> bool:  # both orders earned (order.paid), the return clawed back part of one
        ledger = (await loyalty_api.get(f"/customers/{cid}/loyalty/ledger")).json()
        return {e["kind"] for e in ledger["items"]} >= {"earn", "adjust", "clawback"}
    await eventually(earned, what="points earned from the orders and the return clawback")
    redeemed = await graphql("""mutation($id: ID!) { redeemLoyaltyReward(customerId: $id,
                               rewardId: "default-free-shipping") { code } }""", id=cid)
    assert "errors" not in redeemed, redeemed

    segment = await api.post("/customer-segments", json={"name": "Export buyers", "slug": "export_buyers",
                                                         "query": "total_orders >= 2"})
    assert segment.status_code == 201, segment.text

    async def in_segment() -> bool:
        members = (await api.get("/customer-segments/export_buyers/customers")).json()
        return [m["id"] for m in members.get("items", [])] == [cid]
    await eventually(in_segment, what="the customer in the new segment")

    async def known() -> bool:
        return await campaigns_app.state.deps.recipients.get(cid) is not None
    await eventually(known, what="campaigns' recipient read model")
    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(targetCustomers=[cid]))).json()
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "sent")
    [mail] = sinks.mails_to(customer["email"])
    pixel = re.search(r'<img src="([^"]+)"', mail["html"]).group(1)
    click = re.search(r'href="(http://campaigns/t/c/[^"]+)"', mail["html"]).group(1)
    assert (await campaigns_api.get(_local(pixel))).status_code == 200
    assert (await campaigns_api.get(_local(click))).status_code == 302

    async def settled() -> bool:  # the campaign's events reached the timeline
        items = (await api.get(f"/customers/{cid}/activity", params={"limit": 100})).json()["items"]
        kinds = {i["type"] for i in items}
        return {"campaign.sent", "campaign.opened", "campaign.clicked"} <= kinds
    await eventually(settled, what="campaign events on the timeline")
    return {"id": cid, "email": customer["email"], "campaign": campaign, "code": redeemed["data"][
        "redeemLoyaltyReward"]["code"]}


async def _segments_holding(api, cid: str) -> set[str]:
    """Every segment whose member list (the ordinary endpoint) holds the customer."""
    slugs = {s["slug"] for s in (await api.get("/customer-segments", params={"limit": 100})).json()["items"]}
    holding = set()
    for slug in slugs:
        members = (await api.get(f"/customer-segments/{slug}/customers", params={"limit": 100})).json()["items"]
        if cid in {m["id"] for m in members}:
            holding.add(slug)
    return holding


async def test_the_export_holds_exactly_what_each_service_answers(graphql, graphql_as, gateway_http, gateway_settings,
                                                                  api, loyalty_api, campaigns_api, campaigns_app,
                                                                  sinks):
    person = await _customer_with_history(graphql, api, loyalty_api, campaigns_api, campaigns_app, sinks)
    cid = person["id"]

    answer = await graphql_as(Role.support, "sam@shop")(EXPORT, id=cid)
    assert "errors" not in answer, answer
    export = answer["data"]["exportCustomerData"]
    document = export["document"]
    assert export["customerId"] == cid and export["downloadUrl"] == f"/exports/customers/{cid}.json"
    assert set(document) == SECTIONS and document["customerId"] == cid
    assert document["exportedAt"].startswith(export["exportedAt"][:19])

    # Customers: the profile, every order with its items and return, the whole timeline, the segments.
    assert document["profile"] == (await api.get(f"/customers/{cid}")).json()
    orders = (await api.get(f"/customers/{cid}/orders", params={"limit": 100})).json()
    assert orders["total"] == 2 and document["orders"] == orders["items"]
    returned = next(o for o in document["orders"] if o["id"] == "exp-1")
    assert [r["id"] for r in returned["returns"]] == ["exp-r1"] and len(returned["items"]) == 2
    timeline = (await api.get(f"/customers/{cid}/activity", params={"limit": 100})).json()
    assert document["timeline"] == timeline["items"] and len(timeline["items"]) == timeline["total"]
    consents = (await api.get(f"/customers/{cid}/consents", params={"limit": 100})).json()
    assert document["consents"] == consents["items"] and len(consents["items"]) == consents["total"] >= 1
    slugs = {s["slug"] for s in document["segments"]}
    assert slugs == await _segments_holding(api, cid) and "export_buyers" in slugs
    assert next(s for s in document["segments"] if s["slug"] == "export_buyers")["name"] == "Export buyers"

    # Loyalty: the account, every ledger entry, the redemption with its code's status.
    loyalty = document["loyalty"]
    assert loyalty["account"] == (await loyalty_api.get(f"/customers/{cid}/loyalty")).json()
    ledger = (await loyalty_api.get(f"/customers/{cid}/loyalty/ledger", params={"limit": 100})).json()
    assert loyalty["ledger"] == ledger["items"] and ledger["total"] == len(ledger["items"]) >= 5
    assert {e["kind"] for e in loyalty["ledger"]} >= {"earn", "adjust", "clawback", "redeem"}
    code = (await loyalty_api.get(f"/loyalty/codes/{person['code']}")).json()
    assert loyalty["redemptions"] == [code] and code["status"] == "issued"

    # Campaigns: the message and what happened to it, the recipient read model entry.
    messages = document["messages"]
    listed = (await campaigns_api.get("/messages", params={"customerIds": cid, "limit": 100})).json()[cid]
    assert listed["total"] == 1 and len(messages["messages"]) == 1
    [message] = messages["messages"]
    assert {k: message[k] for k in listed["items"][0]} == listed["items"][0]
    assert message["subject"] == person["campaign"]["subject"] and message["status"] == "sent"
    assert message["openedAt"] and message["clickedAt"] and message["to"] == person["email"]
    assert [e["event"] for e in message["events"]] == ["created", "sent", "opened", "clicked"]
    assert messages["recipient"]["customerId"] == cid and messages["recipient"]["email"] == person["email"]
    assert messages["unsubscribes"] == [] and messages["unsubscribedChannels"] == []
    assert messages["confirmations"] == []  # no double opt-in asked (the setting is off)

    # Audit: the graph's records naming the customer, with who did it.
    operations = {(r["operation"], r["actor"]["subject"]) for r in document["audit"]}
    assert {("createCustomer", "test-admin"), ("addLoyaltyPoints", "test-admin"),
            ("redeemLoyaltyReward", "test-admin")} <= operations

    # The file: the same document (a fresh one: its time, and the audit now holds the first export).
    download = await gateway_http.get(export["downloadUrl"], headers=_headers(gateway_settings, Role.support,
                                                                              "sam@shop"))
    assert download.status_code == 200, download.text
    assert download.headers["content-disposition"].startswith("attachment;")
    assert f"customer-{cid}-data-export.json" in download.headers["content-disposition"]
    assert download.headers["cache-control"] == "no-store"
    filed = download.json()
    assert {k: v for k, v in filed.items() if k not in ("exportedAt", "audit")} == \
        {k: v for k, v in document.items() if k not in ("exportedAt", "audit")}
    assert filed["audit"][1:] == document["audit"]
    assert (filed["audit"][0]["operation"], filed["audit"][0]["input"]) == \
        ("exportCustomerData", {"customerId": cid, "via": "graphql"})

    # Both exports are in the audit log, with the staff member who made them.
    log = await graphql(AUDIT, op="exportCustomerData")
    records = [e["node"] for e in log["data"]["auditLog"]["edges"]]
    assert [(r["outcome"], r["input"]["via"], r["actor"]["subject"], r["targetIds"]) for r in records] == [
        ("ok", "download", "sam@shop", [cid]), ("ok", "graphql", "sam@shop", [cid])]


async def test_only_roles_with_personal_data_may_export(graphql, graphql_as, gateway_http, gateway_settings, api):
    cid = (await api.post("/customers", json={"firstName": "Fay", "lastName": "Forbidden",
                                              "email": "fay@example.com"})).json()["id"]
    for role in (Role.marketer, Role.viewer):
        refused = await graphql_as(role)(EXPORT, id=cid)
        assert refused["data"] is None
        [error] = refused["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert error["extensions"]["permission"] == "customers:personal-data"
        download = await gateway_http.get(f"/exports/customers/{cid}.json",
                                          headers=_headers(gateway_settings, role, f"test-{role.value}"))
        assert download.status_code == 403 and download.json()["error"]["code"] == "FORBIDDEN"
        assert "content-disposition" not in download.headers
    anonymous = await gateway_http.get(f"/exports/customers/{cid}.json")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "UNAUTHENTICATED"
    bad_token = await gateway_http.get(f"/exports/customers/{cid}.json", headers={"authorization": "Bearer nope"})
    assert bad_token.status_code == 401
    # The refused attempts, in the graph and on the route, are on record with who tried and on whom.
    log = await graphql(AUDIT, op="exportCustomerData")
    records = [e["node"] for e in log["data"]["auditLog"]["edges"]]
    assert sorted((r["outcome"], r["actor"]["role"], r["input"]["via"], tuple(r["targetIds"])) for r in records) == [
        ("FORBIDDEN", role, via, (cid,)) for role in ("marketer", "viewer") for via in ("download", "graphql")]


async def test_an_unknown_customer_is_not_found(graphql, gateway_http, gateway_settings, loyalty_app,
                                                campaigns_app):
    missing = await graphql(EXPORT, id="no-such-customer")
    assert missing["data"] is None
    [error] = missing["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("NOT_FOUND", "customerId")
    download = await gateway_http.get("/exports/customers/no-such-customer.json",
                                      headers=_headers(gateway_settings, Role.admin, "ada@shop"))
    assert download.status_code == 404
    assert (download.json()["error"]["code"], download.json()["error"]["field"]) == ("NOT_FOUND", "customerId")
    log = await graphql(AUDIT, op="exportCustomerData")
    assert {e["node"]["outcome"] for e in log["data"]["auditLog"]["edges"]} == {"NOT_FOUND"}


class Down(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request):
        raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize("down", ["customers", "loyalty", "campaigns"])
async def test_a_service_down_gives_no_document(down, gateway_settings, customers_transport, loyalty_transport,
                                                campaigns_transport, api):
    from gateway.app import create_app as create_gateway_app

    cid = (await api.post("/customers", json={"firstName": "Dan", "lastName": "Down",
                                              "email": "dan@example.com"})).json()["id"]
    mounts = {"http://customers": customers_transport, "http://loyalty": loyalty_transport,
              "http://campaigns": campaigns_transport, f"http://{down}": Down()}
    app = create_gateway_app(gateway_settings, mounts=mounts)
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                       base_url="http://gateway") as client:
        headers = _headers(gateway_settings, Role.support, "sam@shop")
        answer = (await client.post("/graphql", json={"query": EXPORT, "variables": {"id": cid}},
                                    headers=headers)).json()
        assert answer["data"] is None
        [error] = answer["errors"]
        assert error["extensions"]["code"] == "UNAVAILABLE" and down in error["message"]
        download = await client.get(f"/exports/customers/{cid}.json", headers=headers)
        assert download.status_code == 503 and download.json()["error"]["code"] == "UNAVAILABLE"
        assert "content-disposition" not in download.headers


async def test_no_export_while_the_audit_log_is_unreachable(gateway_settings, customers_transport, loyalty_transport,
                                                            campaigns_transport, api):
    """An export nobody could attribute is not handed over."""
    from devstack.infra import free_port
    from gateway.app import create_app as create_gateway_app

    cid = (await api.post("/customers", json={"firstName": "Al", "lastName": "Audit",
                                              "email": "al@example.com"})).json()["id"]
    settings = gateway_settings.model_copy(update={"mongo_url": f"mongodb://127.0.0.1:{free_port()}/"})
    app = create_gateway_app(settings, mounts={"http://customers": customers_transport,
                                               "http://loyalty": loyalty_transport,
                                               "http://campaigns": campaigns_transport})
    async with LifespanManager(app, startup_timeout=30), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
        download = await client.get(f"/exports/customers/{cid}.json",
                                    headers=_headers(settings, Role.support, "sam@shop"))
        assert download.status_code == 503 and download.json()["error"]["code"] == "UNAVAILABLE"
        assert "audit" in download.json()["error"]["message"]
