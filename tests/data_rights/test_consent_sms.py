"""Every marketing SMS ends with the opt-out line; a text that words it already is not doubled; transactional texts
are exempt (docs/data-rights.md, Consent with proof)."""
from services.campaigns.domain.opt_out import DEFAULT_SMS_OPT_OUT_LINE, with_sms_opt_out_line
from tests.campaigns.conftest import (  # noqa: F401  (fixtures: a campaigns app that really sends, and its sinks)
    add_customer,
    campaigns_app,
    campaigns_settings,
    segments,
    segments_transport,
    sinks,
    wait_status,
)

BOTH = {"email": True, "sms": True, "push": False}


async def test_marketing_sms_end_with_the_opt_out_line_once(api, campaigns_api, campaigns_app, sinks):
    ada = await add_customer(api, campaigns_app, firstName="Ada", phone="+14155550123", communication=BOTH)
    plain = (await campaigns_api.post("/campaigns", json={
        "name": "Flash", "type": "sms", "content": "Hi {{ firstName }}, 20% off today!  ",
        "targetCustomers": [ada["id"]]})).json()
    worded = (await campaigns_api.post("/campaigns", json={
        "name": "Worded", "type": "sms", "content": "New in: linen. reply stop to opt out",
        "targetCustomers": [ada["id"]]})).json()

    preview = (await campaigns_api.post(f"/campaigns/{plain['id']}/preview", json={"customerId": ada["id"]})).json()
    assert preview["text"] == "Hi Ada, 20% off today!\nReply STOP to opt out"
    assert preview["sms"]["length"] == len(preview["text"])  # the line counts towards the segments

    for campaign in (plain, worded):
        await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
        await wait_status(campaigns_api, campaign["id"], "sent")
    assert sorted(sms["body"] for sms in sinks.sms) == [
        "Hi Ada, 20% off today!\nReply STOP to opt out", "New in: linen. reply stop to opt out"]


def test_the_line_is_added_once_only_to_marketing_and_only_when_configured():
    assert with_sms_opt_out_line("Sale!", DEFAULT_SMS_OPT_OUT_LINE) == "Sale!\nReply STOP to opt out"
    assert with_sms_opt_out_line("Sale! Reply STOP to opt out", DEFAULT_SMS_OPT_OUT_LINE) == \
        "Sale! Reply STOP to opt out"
    assert with_sms_opt_out_line("Your order shipped", DEFAULT_SMS_OPT_OUT_LINE, purpose="transactional") == \
        "Your order shipped"
    assert with_sms_opt_out_line("Sale!", "  ") == "Sale!"
    assert with_sms_opt_out_line("Sale!", "Text END to stop") == "Sale!\nText END to stop"
