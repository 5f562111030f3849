"""The MIME mail a campaign sends, as a mail client parses it: headers, both bodies, no injected headers."""
from devstack.sinks.smtp import parse
from services.campaigns.delivery.email import build_email


def _parsed(**overrides) -> dict:
    fields = dict(sender="Jöantees <news@joantees.example>", to="ada@example.com", subject="Hï Ada — 20% off",
                  text="Hello Ada — see https://joantees.example/sale\nFrom the shop\n" + "x" * 300,
                  html="<p>Hello Ada — " + "y" * 300 + "</p>", message_id="camp-1:cust-1",
                  unsubscribe_url="http://campaigns/u/" + "t" * 150)
    fields.update(overrides)
    return parse({"id": 1, "from": "news@joantees.example", "to": ["ada@example.com"],
                  "raw": build_email(**fields).as_bytes(), "receivedAt": "now"})


def test_headers_and_bodies_survive_a_round_trip():
    mail = _parsed()
    assert mail["subject"] == "Hï Ada — 20% off"
    assert mail["headers"]["From"] == "Jöantees <news@joantees.example>"
    assert mail["headers"]["List-Unsubscribe"] == "<http://campaigns/u/" + "t" * 150 + ">"  # one line, unfolded
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["headers"]["X-Campaign-Message"] == "camp-1:cust-1"
    assert mail["headers"]["Message-ID"].endswith(".camp-1.cust-1@campaigns.joantees>") and mail["headers"]["Date"]
    assert mail["text"] == "Hello Ada — see https://joantees.example/sale\nFrom the shop\n" + "x" * 300
    assert mail["html"].startswith("<p>Hello Ada — " + "y" * 300)


def test_a_line_break_in_a_rendered_subject_cannot_add_a_header():
    mail = _parsed(subject="Hi Ada\r\nBcc: everyone@example.com")
    assert mail["subject"] == "Hi Ada Bcc: everyone@example.com"
    assert "Bcc" not in mail["headers"]
