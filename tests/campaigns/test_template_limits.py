"""Template limits: output size, loop iterations and render time, enforced off the event loop, when saved, in
previews and per message at send time."""
import asyncio
import time

import pytest

from services.campaigns.domain import rendering, template_limits
from services.campaigns.domain.template_limits import ITERATIONS, OUTPUT_SIZE, RENDER_TIME, RenderFailed, RenderLimits
from services.campaigns.handlers.render_pool import RenderPool
from tests.campaigns.conftest import add_customer, email_campaign, wait_status

NESTED_MILLION = "{% for i in range(10**6) %}{% for j in range(10**6) %}x{% endfor %}{% endfor %}"
# Every step is short (one 1 MB upper()), there are few of them, and together they take far longer than a second.
SLOW = '{% set s = "x" * 999999 %}{% for i in range(50000) %}{% set t = s|upper %}{% endfor %}done'
# Loops over the customer's last name: 8**4 passes for the sample (Lovelace), 24**4 for a long name.
PER_CUSTOMER = ("Hi {{ firstName }}!{% for a in lastName %}{% for b in lastName %}{% for c in lastName %}"
                "{% for d in lastName %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}")


def _refusal(source: str, limits: RenderLimits = RenderLimits()) -> RenderFailed:
    with template_limits.using(limits), pytest.raises(RenderFailed) as refused:
        rendering.render_field(source, "content", rendering.SAMPLE)
    return refused.value


@pytest.mark.parametrize("source, limit", [
    ('{{ "x" * 10**9 }}', OUTPUT_SIZE),
    ('{{ 10**9 * "x" }}', OUTPUT_SIZE),
    ('{{ 2 ** (10**9) }}', OUTPUT_SIZE),
    ('{% set ns = namespace(n=7) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}', OUTPUT_SIZE),
    ('{% set s = "x" * 600000 %}{{ s ~ s }}', OUTPUT_SIZE),
    ('{% set s = "x" * 600000 %}{{ s + s }}', OUTPUT_SIZE),
    ('{% set s = "x" * 400000 %}{{ [s, s, s]|join }}', OUTPUT_SIZE),
    ('{% set s = "x" * 400000 %}{{ "".join([s, s, s]) }}', OUTPUT_SIZE),
    ('{% set s = "x" * 1000 %}{{ s|replace("x", s) }}{{ (s|replace("x", s))|replace("x", s) }}', OUTPUT_SIZE),
    ('{{ "x"|center(10**9) }}', OUTPUT_SIZE),
    ('{{ "x".ljust(10**9) }}', OUTPUT_SIZE),
    ('{{ "%*s" % (10**9, "x") }}', OUTPUT_SIZE),
    ('{{ "{:>1000000000}".format("x") }}', OUTPUT_SIZE),
    ('{{ "{0}{0}{0}".format("x" * 900000) }}', OUTPUT_SIZE),
    ('{% set s = "x" * 900000 %}{% filter upper %}{{ s }}{{ s }}{% endfilter %}', OUTPUT_SIZE),
    ('{% set l = [] %}{% for i in range(40) %}{% set _ = l.extend(l or [1]) %}{% endfor %}', OUTPUT_SIZE),
    ('{% for i in range(20000) %}{{ "x" * 100 }}{% endfor %}', OUTPUT_SIZE),  # counted as it streams
    (NESTED_MILLION, ITERATIONS),
    ("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", ITERATIONS),
    ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}", ITERATIONS),
    ('{% for c in "x" * 900000 %}{% endfor %}', ITERATIONS),
])
def test_each_kind_of_runaway_template_is_refused_naming_its_limit(source, limit):
    refused = _refusal(source)
    assert (refused.field, refused.limit) == ("content", limit)
    assert f"over the {limit} limit" in str(refused)


def test_a_render_that_runs_long_in_short_steps_is_cut_off_by_the_clock():
    refused = _refusal(SLOW, RenderLimits(max_seconds=0.2))
    assert refused.limit == RENDER_TIME and "0.2 s" in str(refused)


def test_the_limits_come_from_the_settings_given_to_the_pool():
    small = RenderLimits(max_output_chars=1000, max_iterations=50)
    assert _refusal('{{ "x" * 1001 }}', small).limit == OUTPUT_SIZE
    assert _refusal("{% for i in range(51) %}{% endfor %}", small).limit == ITERATIONS
    with template_limits.using(small):
        assert rendering.render_field('{{ "x" * 1000 }}', "content", {}) == "x" * 1000


def test_ordinary_templates_render_as_before():
    source = ('Hi {{ firstName|title }}, {{ "%05d" % 42 }} {{ "{:,}".format(1234567) }} {{ [1, 2, 3]|join(", ") }} '
              '{{ "ab"|replace("a", "c") }} {{ lastName ~ "!" }}{% for c in "abc" %}{{ loop.index }}{% endfor %}')
    assert rendering.render_field(source, "content", rendering.SAMPLE) == \
        "Hi Ada, 00042 1,234,567 1, 2, 3 cb Lovelace!123"


@pytest.mark.parametrize("body, field, limit", [
    ({"content": '{{ "x" * 10**9 }}'}, "content", OUTPUT_SIZE),
    ({"subject": NESTED_MILLION}, "subject", ITERATIONS),
    ({"htmlContent": "<p>" + SLOW + "</p>"}, "htmlContent", RENDER_TIME),
])
async def test_a_template_over_a_limit_is_refused_when_saved(campaigns_api, body, field, limit):
    template = {"name": "Spring", "type": "email", "subject": "Hi", "content": "Hello", **body}
    created = await campaigns_api.post("/campaign-templates", json=template)
    assert created.status_code == 422, created.text
    error = created.json()["error"]
    assert (error["code"], error["field"]) == ("VALIDATION", field) and f"over the {limit} limit" in error["message"]
    assert (await campaigns_api.get("/campaign-templates")).json()["total"] == 0

    campaign = await campaigns_api.post("/campaigns", json={**email_campaign(targetCustomers=["c1"]), **body})
    assert campaign.status_code == 422 and campaign.json()["error"]["field"] == field
    assert (await campaigns_api.get("/campaigns")).json()["total"] == 0


async def test_updating_a_template_past_a_limit_changes_nothing(campaigns_api):
    saved = (await campaigns_api.post("/campaign-templates", json={
        "name": "Spring", "type": "sms", "content": "Hi {{ firstName }}"})).json()
    updated = await campaigns_api.put(f"/campaign-templates/{saved['id']}", json={"content": NESTED_MILLION})
    assert updated.status_code == 422 and updated.json()["error"]["field"] == "content"
    assert (await campaigns_api.get(f"/campaign-templates/{saved['id']}")).json()["content"] == "Hi {{ firstName }}"


@pytest.mark.parametrize("source", ['{{ "x" * 10**9 }}', NESTED_MILLION, SLOW])
async def test_refused_within_two_seconds_while_the_service_keeps_answering(campaigns_api, source):
    started = time.monotonic()
    saving = asyncio.create_task(campaigns_api.post("/campaign-templates", json={
        "name": "Runaway", "type": "sms", "content": source}))
    slowest, answered = 0.0, 0
    while not saving.done():
        asked = time.monotonic()
        health = await campaigns_api.get("/healthz")
        assert health.status_code == 200
        slowest, answered = max(slowest, time.monotonic() - asked), answered + 1
        await asyncio.sleep(0.02)
    refused = await saving
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "content"
    assert time.monotonic() - started < 2.0
    assert slowest < 0.5, f"/healthz took {slowest:.3f} s while a template rendered"
    if source == SLOW:  # it ran for its whole second: the service answered all along
        assert answered >= 10 and "render time" in refused.json()["error"]["message"]


async def test_cut_off_renders_free_their_threads_so_they_cannot_pile_up():
    """Twice as many runaway renders as threads: the second half only starts once the first half's threads are
    free again, so all of them are refused only if every cut-off render really stops."""
    pool = RenderPool(RenderLimits(max_seconds=0.2), threads=2)
    try:
        runaway = [pool.run(rendering.render_field, SLOW, "content", rendering.SAMPLE) for _ in range(4)]
        outcomes = await asyncio.wait_for(asyncio.gather(*runaway, return_exceptions=True), timeout=10)
        assert [getattr(o, "limit", o) for o in outcomes] == [RENDER_TIME] * 4
        assert pool.running == 0
        assert await pool.run(rendering.render_field, "Hi {{ firstName }}", "content", rendering.SAMPLE) == "Hi Ada"
    finally:
        pool.close()


async def test_a_message_past_a_limit_fails_with_the_limit_and_the_campaign_goes_on(api, campaigns_api, campaigns_app,
                                                                                  sinks):
    ada = await add_customer(api, campaigns_app, firstName="Ada", lastName="Lovelace")
    long_name = await add_customer(api, campaigns_app, firstName="Bo", lastName="Montgomery-Wolfeschlegel")
    created = await campaigns_api.post("/campaigns", json=email_campaign(
        content=PER_CUSTOMER, targetCustomers=[ada["id"], long_name["id"]]))
    assert created.status_code == 201, created.text  # the sample customer renders within the limits
    campaign = created.json()

    preview = await campaigns_api.post(f"/campaigns/{campaign['id']}/preview", json={"customerId": long_name["id"]})
    assert preview.status_code == 422 and preview.json()["error"]["field"] == "content"
    assert "loop iterations" in preview.json()["error"]["message"]

    assert (await campaigns_api.post(f"/campaigns/{campaign['id']}/send")).status_code == 202
    await wait_status(campaigns_api, campaign["id"], "sent")
    messages = (await campaigns_api.get(f"/campaigns/{campaign['id']}/recipients")).json()["items"]
    by_customer = {m["customerId"]: m for m in messages}
    assert by_customer[ada["id"]]["status"] == "sent"
    failed = by_customer[long_name["id"]]
    assert failed["status"] == "failed" and failed["reason"].startswith("content: template over the loop iterations")
    [mail] = sinks.mails_to(ada["email"])
    assert mail["subject"] == "Hi Ada!" and sinks.mails_to(long_name["email"]) == []
    metrics = (await campaigns_api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    assert (metrics["sent"], metrics["failed"]) == (1, 1)
