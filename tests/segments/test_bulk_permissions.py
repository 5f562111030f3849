"""The customers service checks a bulk action's permission itself, from the actor the gateway names, and the job's
effects name that actor; a malformed actor header is refused, not ignored."""
from shared.actor import ACTOR_HEADER, Actor
from tests.customers.factories import customer_body
from tests.segments.helpers import wait_job, wait_ready


def _as(role: str, subject: str = "staff@joantees.example") -> dict:
    return {ACTOR_HEADER: Actor(subject=subject, role=role, via="oidc").header_value()}


async def test_an_actor_without_the_actions_permission_is_refused_and_nothing_is_queued(api, customers_app):
    await wait_ready(api, "vip")
    customer = (await api.post("/customers", json=customer_body(tags=["vip"]))).json()
    jobs = customers_app.state.deps.segments.jobs.jobs
    cases = [("marketer", {"action": "award_points", "points": 1_000_000, "reason": "all"}),
             ("marketer", {"action": "set_status", "status": "suspended"}),
             ("support", {"action": "add_tags", "tags": ["x"]}),  # support may tag one by one, not start jobs
             ("viewer", {"action": "export_csv"}),
             ("no-such-role", {"action": "export_csv"})]
    for role, body in cases:
        refused = await api.post("/customer-segments/vip/bulk-actions", json=body, headers=_as(role))
        assert refused.status_code == 403, (role, body, refused.text)
        assert refused.json()["error"]["code"] == "FORBIDDEN"
    assert await jobs.count_documents({"kind": "bulk"}) == 0
    assert (await api.get(f"/customers/{customer['id']}")).json()["status"] == "active"
    allowed = await api.post("/customer-segments/vip/bulk-actions", json={"action": "export_csv"},
                             headers=_as("marketer"))
    assert allowed.status_code == 202, allowed.text


async def test_a_bulk_jobs_timeline_entries_name_who_started_it(api):
    await wait_ready(api, "vip")
    customer_id = (await api.post("/customers", json=customer_body(tags=["vip"]))).json()["id"]
    started = await api.post("/customer-segments/vip/bulk-actions", json={"action": "add_tags", "tags": ["spring"]},
                             headers=_as("admin", "lea@joantees.example"))
    await wait_job(api, started.json()["id"])
    timeline = (await api.get(f"/customers/{customer_id}/activity")).json()["items"]
    bulk = [entry for entry in timeline if entry["data"].get("jobId") == started.json()["id"]]
    assert len(bulk) == 1
    assert bulk[0]["actor"] == {"subject": "lea@joantees.example", "role": "admin", "via": "oidc"}


async def test_a_malformed_actor_header_is_a_400(api):
    response = await api.post("/customers", json=customer_body(), headers={ACTOR_HEADER: "not base64 json!"})
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "MALFORMED_REQUEST", "field": "X-Actor",
                                         "message": "X-Actor must be base64url JSON with at least a subject"}
