"""SMS speaks Twilio: the Messages API call, X-Twilio-Signature on status callbacks and inbound messages (checked
against the public URL), STOP keywords, and replays that change nothing."""
import httpx
import pytest
from pydantic import SecretStr

from services.campaigns.delivery.errors import Rejected
from services.campaigns.delivery.sms import SmsSender
from services.campaigns.domain.signatures import Unauthenticated, twilio_signature, verify_twilio
from tests.campaigns.conftest import add_customer, wait_status
from tests.campaigns.signing import PUBLIC, post_twilio, twilio_headers
from tests.conftest import eventually

BOTH = {"email": True, "sms": True, "push": False}
# Twilio's documented example (its docs and every official helper library test it).
VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_PARAMS = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234",
                 "From": "+14158675309", "To": "+18005551212"}


def test_signature_matches_twilios_documented_examples():
    assert twilio_signature("12345", VECTOR_URL, VECTOR_PARAMS.items()) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    repeated = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234"), ("Digits", "1234")]
    assert twilio_signature("12345", VECTOR_URL, repeated) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="
    params = list(VECTOR_PARAMS.items())
    verify_twilio("12345", VECTOR_URL, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    # Signed for the URL with its default port: accepted as Twilio's validators accept it.
    verify_twilio("12345", VECTOR_URL, params, twilio_signature("12345", VECTOR_URL.replace(".com/", ".com:443/"),
                                                                 params))
    for url, token, given in [(VECTOR_URL + "&x=1", "12345", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
                              (VECTOR_URL, "54321", "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
                              (VECTOR_URL, "12345", "invalid 王"), (VECTOR_URL, "12345", None)]:
        with pytest.raises(Unauthenticated):
            verify_twilio(token, url, params, given)


async def _sms_sent(api, campaigns_api, campaigns_app, sinks) -> tuple[dict, dict, dict]:
    ada = await add_customer(api, campaigns_app, phone="+14155550123", communication=BOTH)
    campaign = (await campaigns_api.post("/campaigns", json={
        "name": "Flash", "type": "sms", "content": "Sale & more: https://shop.example/p?a=1&b=2",
        "targetCustomers": [ada["id"]]})).json()
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "sent")
    reference = f"{campaign['id']}:{ada['id']}"

    async def delivered() -> bool:
        return (await campaigns_app.state.deps.messages.get(reference)).status == "delivered"
    await eventually(delivered, what="the sink's signed delivery callback")
    return ada, campaign, (await campaigns_app.state.deps.messages.get(reference))


async def test_sms_goes_through_the_messages_api_and_twilio_callbacks_count(api, campaigns_api, campaigns_app,
                                                                           campaigns_settings, sinks):
    ada, campaign, message = await _sms_sent(api, campaigns_api, campaigns_app, sinks)
    [sms] = sinks.sms
    assert (sms["to"], sms["from"], sms["body"]) == ("+14155550123", "Joantees",
                                                    "Sale & more: https://shop.example/p?a=1&b=2\n"
                                                    "Reply STOP to opt out")
    assert message.provider_id == sms["sid"] and sms["sid"].startswith("SM") and len(sms["sid"]) == 34
    assert sms["statusCallback"] == f"{PUBLIC}/webhooks/sms/status?ref={campaign['id']}%3A{ada['id']}"

    deps = campaigns_app.state.deps
    events = deps.runtime.outbox.collection
    path = f"/webhooks/sms/status?ref={campaign['id']}%3A{ada['id']}"
    undelivered = {"MessageSid": sms["sid"], "MessageStatus": "undelivered", "ErrorCode": "30003",
                   "AccountSid": campaigns_settings.twilio_account_sid}
    before = await events.count_documents({})
    for case, answer in {
        "unsigned": await campaigns_api.post(f"{PUBLIC}{path}", data=undelivered),
        "forged": await post_twilio(campaigns_api, campaigns_settings, path, undelivered, signature="bm9wZQ=="),
        "params changed after signing": await campaigns_api.post(
            f"{PUBLIC}{path}", data={**undelivered, "MessageStatus": "failed"},
            headers=twilio_headers(campaigns_settings, f"{PUBLIC}{path}", undelivered)),
        "signed for another URL": await campaigns_api.post(
            f"{PUBLIC}{path}", data=undelivered,
            headers=twilio_headers(campaigns_settings, f"http://10.0.0.7:8003{path}", undelivered)),
        "signed for another message": await campaigns_api.post(
            f"{PUBLIC}{path}", data=undelivered,
            headers=twilio_headers(campaigns_settings, f"{PUBLIC}{path}x", undelivered)),
    }.items():
        assert answer.status_code == 401, (case, answer.text)
    assert (await deps.messages.get(message.id)).status == "delivered"
    assert await events.count_documents({}) == before

    assert (await post_twilio(campaigns_api, campaigns_settings, path, undelivered)).status_code == 204
    assert (await deps.messages.get(message.id)).status == "bounced"
    after = await events.count_documents({})
    assert after == before + 1  # campaign.message.failed
    # Twilio retries a callback it thinks failed: the same (MessageSid, MessageStatus) is acknowledged, not redone.
    assert (await post_twilio(campaigns_api, campaigns_settings, path, undelivered)).status_code == 204
    assert await events.count_documents({}) == after
    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert (metrics["delivered"], metrics["bounced"]) == (1, 1)


async def test_stop_keywords_unsubscribe_once_per_inbound_message(api, campaigns_api, campaigns_app,
                                                                 campaigns_settings, sinks):
    texter = await add_customer(api, campaigns_app, phone="+14155550123", communication=BOTH)
    other = await add_customer(api, campaigns_app, phone="+14155550124", communication=BOTH)
    events = campaigns_app.state.deps.runtime.outbox.collection
    start = await events.count_documents({})

    hello = await post_twilio(campaigns_api, campaigns_settings, "/webhooks/sms/inbound",
                              {"MessageSid": "SM01", "From": "+14155550124", "Body": "Hello, what sizes?"})
    assert hello.status_code == 200 and hello.headers["content-type"].startswith("application/xml")
    unsigned = await campaigns_api.post(f"{PUBLIC}/webhooks/sms/inbound",
                                        data={"MessageSid": "SM02", "From": "+14155550124", "Body": "STOP"})
    assert unsigned.status_code == 401
    assert await events.count_documents({}) == start

    stop = {"MessageSid": "SM03", "From": "+14155550123", "To": "+15005550006", "Body": "StopAll"}
    assert (await post_twilio(campaigns_api, campaigns_settings, "/webhooks/sms/inbound", stop)).status_code == 200
    assert await events.count_documents({}) == start + 1
    assert (await post_twilio(campaigns_api, campaigns_settings, "/webhooks/sms/inbound", stop)).status_code == 200
    assert await events.count_documents({}) == start + 1  # the replay published nothing

    async def opt_ins() -> bool:
        people = [(await api.get(f"/customers/{c['id']}")).json() for c in (texter, other)]
        return [p["communication"]["sms"] for p in people] == [False, True]
    await eventually(opt_ins, what="only the texter's SMS opt-in off")

    # The sink forwards a reply as Twilio would: form-encoded and signed for the public URL.
    async with httpx.AsyncClient(base_url=sinks.sms_url) as sink:
        forwarded = (await sink.post("/inbound", json={"from": "+14155550124", "body": "cancel"})).json()
    assert forwarded["forwarded"] == 200, forwarded
    await eventually(lambda: _sms_opt_in_is(api, other, False), what="the sink's STOP reaches customers")


async def _sms_opt_in_is(api, customer: dict, value: bool) -> bool:
    return (await api.get(f"/customers/{customer['id']}")).json()["communication"]["sms"] is value


async def test_the_sink_speaks_twilios_api_and_refuses_wrong_credentials(sinks, campaigns_settings):
    sid = campaigns_settings.twilio_account_sid
    url = f"/2010-04-01/Accounts/{sid}/Messages.json"
    token = campaigns_settings.twilio_auth_token.get_secret_value()
    form = {"To": "+14155550123", "From": "+15005550006", "Body": "Hi",
            "StatusCallback": f"{PUBLIC}/webhooks/sms/status?ref=c%3A1"}
    async with httpx.AsyncClient(base_url=sinks.sms_url) as sink:
        wrong = await sink.post(url, data=form, auth=(sid, "wrong-token"))
        other_account = await sink.post("/2010-04-01/Accounts/ACother/Messages.json", data=form,
                                        auth=("ACother", token))
        missing = await sink.post(url, data={**form, "To": ""}, auth=(sid, token))
        created = await sink.post(url, data=form, auth=(sid, token))
        listed = (await sink.get("/sms")).json()
    assert wrong.status_code == 401 and wrong.json()["code"] == 20003
    assert other_account.status_code == 401
    assert missing.status_code == 400 and missing.json()["code"] == 21604
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["to"], body["account_sid"]) == ("queued", "+14155550123", sid)
    assert [(s["sid"], s["reference"]) for s in listed] == [(body["sid"], "c:1")]


async def test_wrong_twilio_credentials_fail_the_message_and_send_nothing(api, campaigns_api, campaigns_app, sinks):
    deps = campaigns_app.state.deps
    settings = deps.settings.model_copy(update={"twilio_auth_token": SecretStr("nope")})
    with pytest.raises(Rejected, match="401 20003"):
        await SmsSender(settings, deps.http, deps.links).send(to="+14155550123", text="Hi", reference="c:1")
    assert sinks.sms == []
