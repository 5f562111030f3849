"""Click redirects go exactly to the URLs written in the message, and only to those; every public link is built
on public_url."""
from html.parser import HTMLParser

from itsdangerous import URLSafeSerializer

from services.campaigns.domain.html_links import attribute_value, rewrite_links
from services.campaigns.domain.tracking import CLICK, Links, Tokens, location_header
from tests.campaigns.conftest import add_customer, email_campaign, wait_status

ORIGINALS = ["https://shop.example/p?a=1&b=2&c=3",
             "https://shop.example/search?q=caf%C3%A9%20au%20lait&sort=price#reviews",
             "https://shop.example/p?x=1&copy=2&lt=3#top"]
HTML_CONTENT = ('<p>Hi {{ firstName }}: <a href="https://shop.example/p?a=1&amp;b=2&amp;c=3">one</a>'
                " <a href='https://shop.example/search?q=caf%C3%A9%20au%20lait&amp;sort=price#reviews'>two</a>"
                ' <a href="https://shop.example/p?x=1&copy=2&lt=3#top">three</a>'
                ' <a href="https://shop.example/p?a=1&amp;b=2&amp;c=3">one again</a>'
                ' <a href="mailto:help@shop.example">write to us</a></p>')


class Hrefs(HTMLParser):
    """What a mail client follows: every <a href>, attribute entities decoded."""

    def __init__(self, html: str):
        super().__init__()
        self.hrefs: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href")


def _local(url: str) -> str:
    assert url.startswith("http://campaigns/"), url  # public_url of the tests
    return url.removeprefix("http://campaigns")


async def _sent_mail(api, campaigns_api, campaigns_app, sinks, **content) -> tuple[dict, dict, dict]:
    ada = await add_customer(api, campaigns_app)
    campaign = (await campaigns_api.post("/campaigns", json=email_campaign(targetCustomers=[ada["id"]],
                                                                           **content))).json()
    assert "id" in campaign, campaign
    await campaigns_api.post(f"/campaigns/{campaign['id']}/send")
    await wait_status(campaigns_api, campaign["id"], "sent")
    [mail] = sinks.mails_to(ada["email"])
    return ada, campaign, mail


async def test_clicks_redirect_to_exactly_the_urls_in_the_html(api, campaigns_api, campaigns_app, sinks):
    _, campaign, mail = await _sent_mail(api, campaigns_api, campaigns_app, sinks, htmlContent=HTML_CONTENT)
    hrefs = Hrefs(mail["html"]).hrefs
    tracked = [h for h in hrefs if h.startswith("http://campaigns/t/c/")]
    assert len(tracked) == 4 and tracked[0] == tracked[3]  # the same URL twice is one link
    assert "mailto:help@shop.example" in hrefs  # not http(s): left alone
    for href, original in zip(tracked, ORIGINALS):
        redirect = await campaigns_api.get(_local(href))
        assert redirect.status_code == 302, redirect.text
        assert redirect.headers["location"] == original
    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert metrics["clicked"] == 1  # unique per message


async def test_a_link_in_text_content_keeps_all_its_query_parameters(api, campaigns_api, campaigns_app, sinks):
    _, _, mail = await _sent_mail(api, campaigns_api, campaigns_app, sinks,
                                  content="New in: https://shop.example/p?a=1&b=2&utm_source=mail#sizes today")
    [href] = [h for h in Hrefs(mail["html"]).hrefs if "/t/c/" in h]
    redirect = await campaigns_api.get(_local(href))
    assert redirect.headers["location"] == "https://shop.example/p?a=1&b=2&utm_source=mail#sizes"


async def test_only_links_of_the_message_redirect(api, campaigns_api, campaigns_app, campaigns_settings, sinks):
    ada, campaign, mail = await _sent_mail(api, campaigns_api, campaigns_app, sinks, htmlContent=HTML_CONTENT)
    message_id = f"{campaign['id']}:{ada['id']}"
    secret = campaigns_settings.tracking_secret.get_secret_value()
    [first, *_] = [h for h in Hrefs(mail["html"]).hrefs if "/t/c/" in h]
    refused = [
        f"/t/c/{Tokens(secret).make(CLICK, message_id, 3)}",  # validly signed, but the message has 3 links
        f"/t/c/{Tokens(secret).make(CLICK, 'no-such:message', 0)}",
        # The first tokens carried the URL: signed with the real secret, they still redirect nowhere.
        "/t/c/" + URLSafeSerializer(secret, salt="campaigns.click").dumps({"m": message_id, "u": "https://evil.example"}),
        "/t/c/" + URLSafeSerializer(secret, salt="campaigns.click.v2").dumps({"m": message_id,
                                                                             "u": "https://evil.example"}),
        f"/t/c/{Tokens('another-secret').make(CLICK, message_id, 0)}",
        _local(first)[:-3] + "abc",  # tampered
    ]
    for path in refused:
        answer = await campaigns_api.get(path)
        assert answer.status_code == 404 and "location" not in answer.headers, path
        assert answer.json()["error"]["code"] == "NOT_FOUND"
    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert (metrics["clicked"], metrics["opened"]) == (0, 0)

    # Tokens resolve through the message record: once it is gone (a customer's erasure), its links stop working.
    assert (await campaigns_api.get(_local(first))).status_code == 302
    await campaigns_app.state.deps.messages.collection.delete_one({"_id": message_id})
    assert (await campaigns_api.get(_local(first))).status_code == 404


def test_every_public_url_is_built_on_public_url():
    links = Links("https://links.shop.example/", Tokens("s"))
    urls = [links.open_pixel("c:1"), links.click("c:1", 0), links.unsubscribe("c:1"),
            links.sms_status_callback("c:1"), links.called("/webhooks/sms/inbound", "")]
    assert all(u.startswith("https://links.shop.example/") and "//" not in u.removeprefix("https://") for u in urls)
    assert links.sms_status_callback("c:1") == "https://links.shop.example/webhooks/sms/status?ref=c%3A1"
    assert links.called("/webhooks/sms/status", "ref=c%3A1") == links.sms_status_callback("c:1")


def test_href_values_are_read_as_a_browser_reads_them():
    assert attribute_value("?a=1&amp;b=2") == "?a=1&b=2"
    assert attribute_value("?a=1&copy=2&lt=3&amp") == "?a=1&copy=2&lt=3&"  # HTML's attribute rule
    assert attribute_value("?q=&quot;x&quot;&#38;y&#x26;z") == '?q="x"&y&z'
    assert attribute_value("?x=&copy&y") == "?x=©&y"

    tracked = rewrite_links('<a href=" https://a.example/?x=1&amp;y=2 ">a</a><a data-href="https://b.example/">b</a>'
                            "<a HREF='http://c.example/p\n2'>c</a><a href=\"/relative\">d</a>",
                            lambda position: f"https://t.example/{position}?k=1&v=2")
    assert tracked.links == ["https://a.example/?x=1&y=2", "http://c.example/p2"]
    assert tracked.html == ('<a href="https://t.example/0?k=1&amp;v=2">a</a><a data-href="https://b.example/">b</a>'
                            '<a HREF="https://t.example/1?k=1&amp;v=2">c</a><a href="/relative">d</a>')


def test_the_location_header_keeps_the_url_and_encodes_only_what_a_header_cannot_carry():
    assert location_header(ORIGINALS[1]) == ORIGINALS[1]
    assert location_header("https://shop.example/café ok?x=[1]|{2}") == \
        "https://shop.example/caf%C3%A9%20ok?x=[1]|{2}"
