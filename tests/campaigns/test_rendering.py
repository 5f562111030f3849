"""Template checks and SMS length rules, without I/O."""
import pytest

from services.campaigns.domain import rendering
from services.campaigns.domain.messages import metrics, skip_reason
from services.campaigns.domain.template_limits import RenderFailed
from shared.errors import ValidationFailed


def test_sms_segments_follow_gsm7_and_ucs2_limits():
    assert rendering.sms_info("a" * 160) == {"length": 160, "segments": 1, "encoding": "GSM-7"}
    assert rendering.sms_info("a" * 161)["segments"] == 2
    assert rendering.sms_info("€" * 80) == {"length": 160, "segments": 1, "encoding": "GSM-7"}  # escape chars
    assert rendering.sms_info("😀" + "a" * 68) == {"length": 70, "segments": 1, "encoding": "UCS-2"}
    assert rendering.sms_info("ü" + "ł" * 70)["segments"] == 2


def test_sandbox_and_unknown_fields_are_caught_when_saved():
    rendering.check("Hi {{ firstName | upper }}", "content")
    for source in ("{{ firstName.__class__ }}", "{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}"):
        with pytest.raises(ValidationFailed) as error:
            rendering.check(source, "content")
        assert error.value.field == "content"


def test_a_template_failing_for_one_customer_names_its_field():
    assert rendering.render_field("{{ 10 // (firstName|length) }}", "subject", {"firstName": "Ada"}) == "3"
    with pytest.raises(RenderFailed) as failed:
        rendering.render_field("{{ 10 // (firstName|length) }}", "subject", {"firstName": ""})
    assert (failed.value.field, failed.value.limit) == ("subject", None)
    assert str(failed.value).startswith("subject: template fails to render")


def test_html_bodies_escape_customer_fields():
    html = rendering.render("<p>{{ firstName }}</p>", {"firstName": "<script>x</script>"}, is_html=True)
    assert html == "<p>&lt;script&gt;x&lt;/script&gt;</p>"


def test_skip_rules_and_rates():
    ok = {"email": "a@b.c", "emailOptIn": True, "phone": None, "smsOptIn": True}
    assert skip_reason(ok, "email") is None
    assert skip_reason(ok, "sms") == "no_address"
    assert skip_reason({**ok, "unsubscribed": {"email": True}}, "email") == "unsubscribed"
    assert skip_reason({**ok, "emailOptIn": False}, "email") == "opted_out"
    figures = metrics({"targeted": 10, "skipped": 2, "queued": 8, "done": 8, "sent": 6, "failed": 2, "bounced": 1,
                       "opened": 3, "clicked": 1})
    assert (figures["deliveryRate"], figures["openRate"], figures["bounceRate"]) == (0.625, 0.6, 0.1667)
    assert (figures["skipRate"], figures["pending"]) == (0.2, 0)
