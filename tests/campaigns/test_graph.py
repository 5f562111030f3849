"""The gateway: the spec's createCampaign + sendCampaign, campaign metrics and recipients, Customer.messages."""
from tests.campaigns.conftest import add_customer, wait_status

CREATE = """mutation($input: CampaignCreateInput!) { createCampaign(input: $input) {
  id name type subject status targetSegment } }"""
SEND = "mutation($id: ID!) { sendCampaign(id: $id) { id status } }"
CAMPAIGN = """query($id: ID!) { campaign(id: $id) { status openRate
  metrics { targeted sent skipped deliveryRate openRate }
  recipients(first: 5) { totalCount edges { node { customerId status channel } } } } }"""
MESSAGES = """{ customers(first: 10) { edges { node { id
  messages(first: 5) { totalCount edges { node { campaignName status channel } } } } } } }"""


async def test_spec_example_creates_and_sends_a_campaign(graphql, api, campaigns_api, campaigns_app, sinks,
                                                         segments, campaigns_transport):
    ada = await add_customer(api, campaigns_app, firstName="Ada")
    grace = await add_customer(api, campaigns_app, firstName="Grace")
    segments["new_customers"] = [ada["id"], grace["id"]]

    created = await graphql(CREATE, input={
        "name": "Welcome New Customers", "type": "email", "subject": "Welcome to Joantees!",
        "content": "Thank you for joining us...", "targetSegment": "new_customers"})
    assert "errors" not in created, created
    campaign = created["data"]["createCampaign"]
    assert (campaign["status"], campaign["type"], campaign["targetSegment"]) == ("draft", "email", "new_customers")

    sent = await graphql(SEND, id=campaign["id"])
    assert sent["data"]["sendCampaign"]["status"] == "sending"
    await wait_status(campaigns_api, campaign["id"], "sent")
    [mail] = sinks.mails_to(ada["email"])
    assert mail["subject"] == "Welcome to Joantees!" and "Thank you for joining us..." in mail["text"]

    result = (await graphql(CAMPAIGN, id=campaign["id"]))["data"]["campaign"]
    assert result["status"] == "sent"
    assert result["metrics"] == {"targeted": 2, "sent": 2, "skipped": 0, "deliveryRate": 1.0, "openRate": 0.0}
    assert result["recipients"]["totalCount"] == 2
    assert {e["node"]["customerId"] for e in result["recipients"]["edges"]} == {ada["id"], grace["id"]}

    campaigns_transport.paths.clear()
    customers = (await graphql(MESSAGES))["data"]["customers"]["edges"]
    assert len(customers) == 2
    for edge in customers:
        messages = edge["node"]["messages"]
        assert messages["totalCount"] == 1
        assert messages["edges"][0]["node"] == {"campaignName": "Welcome New Customers", "status": "sent",
                                                "channel": "email"}
    assert campaigns_transport.paths == ["/messages"]  # one batched call for the whole page


async def test_graph_errors_keep_code_and_field_and_change_nothing(graphql, campaigns_api):
    bad = await graphql(CREATE, input={"name": "Text", "type": "sms", "subject": "No", "content": "Hi",
                                       "targetCustomers": ["c1"]})
    [error] = bad["errors"]
    assert error["extensions"]["code"] == "VALIDATION" and error["extensions"]["field"] == "subject"
    unknown = await graphql(CREATE, input={"name": "Seg", "type": "email", "subject": "S", "content": "Hi",
                                           "targetSegment": "nope"})
    assert unknown["errors"][0]["extensions"]["field"] == "targetSegment"
    assert (await campaigns_api.get("/campaigns")).json()["total"] == 0


async def test_templates_through_the_graph_and_a_campaign_from_a_template(graphql, campaigns_api):
    made = await graphql("""mutation { createCampaignTemplate(input: {name: "Promo", type: sms,
        content: "Hi {{ firstName }}, new arrivals!"}) { id sms { length segments } } }""")
    template = made["data"]["createCampaignTemplate"]
    assert template["sms"] == {"length": 21, "segments": 1}  # rendered for a sample customer
    listed = await graphql("{ campaignTemplates { totalCount edges { node { name } } } }")
    assert listed["data"]["campaignTemplates"]["totalCount"] == 1

    campaign = (await campaigns_api.post("/campaigns", json={
        "name": "From template", "templateId": template["id"], "targetCustomers": ["c1"]})).json()
    assert (campaign["type"], campaign["content"]) == ("sms", "Hi {{ firstName }}, new arrivals!")
    preview = (await campaigns_api.post(f"/campaigns/{campaign['id']}/preview", json={})).json()
    # The preview is what goes out: the marketing SMS ends with the opt-out line, counted in its length.
    assert preview == {"text": "Hi Ada, new arrivals!\nReply STOP to opt out",
                       "sms": {"length": 43, "segments": 1, "encoding": "GSM-7"}}

    broken = await graphql("""mutation($id: ID!) { updateCampaignTemplate(id: $id, input: {content: "{{ oops"})
        { id } }""", id=template["id"])
    assert broken["errors"][0]["extensions"]["field"] == "content"
    deleted = await graphql("mutation($id: ID!) { deleteCampaignTemplate(id: $id) { deleted } }", id=template["id"])
    assert deleted["data"]["deleteCampaignTemplate"]["deleted"] is True
    assert (await campaigns_api.get(f"/campaigns/{campaign['id']}")).json()["content"].startswith("Hi")
