"""Bulk actions on a segment's members run as jobs with progress; retries and resumed jobs never apply twice."""
import csv
import io

from services.customers.handlers.deps import utcnow
from services.customers.segments.handlers.jobs import run_next_job
from tests.customers.factories import customer_body
from tests.segments.helpers import FakeCampaigns, FakeLoyalty, count_of, deps_of, wait_job, wait_ready


async def _vips(api, n: int) -> list[str]:
    await wait_ready(api, "vip")
    ids = [(await api.post("/customers", json=customer_body(tags=["vip"]))).json()["id"] for _ in range(n)]
    await api.post("/customers", json=customer_body(tags=[]))
    return ids


async def _updated_events(app) -> int:
    return await app.state.runtime.outbox.collection.count_documents({"routingKey": "customer.updated"})


async def test_add_tags_job_completes_reports_progress_and_is_not_applied_twice(api, customers_app):
    deps = deps_of(customers_app)
    deps.segments.settings.batch_size = 2  # several batches, so progress moves
    ids = await _vips(api, 5)
    body = {"action": "add_tags", "tags": ["Spring-Promo"]}
    started = await api.post("/customer-segments/vip/bulk-actions", json=body, headers={"Idempotency-Key": "k1"})
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["total"] == 5 and job["status"] in ("queued", "running", "done")
    done = await wait_job(api, job["id"])
    assert done["processed"] == 5 and done["progress"] == 1.0 and done["result"]["changed"] == 5
    for customer_id in ids:
        assert "spring-promo" in (await api.get(f"/customers/{customer_id}")).json()["tags"]
    assert await _updated_events(customers_app) == 5
    # The same request again (a client retry) returns the same job and applies nothing.
    again = await api.post("/customer-segments/vip/bulk-actions", json=body, headers={"Idempotency-Key": "k1"})
    assert again.json()["id"] == job["id"] and again.json()["status"] == "done"
    # A worker that died mid-job: the job is claimable again from the start; markers stop a second application.
    await deps.segments.jobs.jobs.update_one({"_id": job["id"]}, {"$set": {"status": "queued", "cursor": None,
                                                                           "processed": 0, "runAfter": utcnow()}})
    await wait_job(api, job["id"])
    assert await _updated_events(customers_app) == 5
    other = await api.post("/customer-segments/vip/bulk-actions", json={"action": "set_status", "status": "inactive"},
                           headers={"Idempotency-Key": "k1"})
    assert other.status_code == 409 and other.json()["error"]["field"] == "idempotencyKey"


async def test_remove_tags_moves_members_out_and_set_status_updates_them(api):
    ids = await _vips(api, 3)
    status = (await api.post("/customer-segments/vip/bulk-actions",
                             json={"action": "set_status", "status": "suspended"})).json()
    await wait_job(api, status["id"])
    assert {(await api.get(f"/customers/{c}")).json()["status"] for c in ids} == {"suspended"}
    removed = (await api.post("/customer-segments/vip/bulk-actions",
                              json={"action": "remove_tags", "tags": ["vip"], "idempotencyKey": "rm"})).json()
    assert (await wait_job(api, removed["id"]))["result"]["changed"] == 3
    assert await count_of(api, "vip") == 0


async def test_export_csv_lists_every_member(api, customers_app):
    deps_of(customers_app).segments.settings.batch_size = 2
    ids = await _vips(api, 3)
    job = (await api.post("/customer-segments/vip/bulk-actions", json={"action": "export_csv"})).json()
    done = await wait_job(api, job["id"])
    response = await api.get(done["result"]["downloadPath"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(r["id"] for r in rows) == sorted(ids)
    assert rows[0]["tags"] == "vip" and rows[0]["email"].startswith("ada.")


async def test_award_points_calls_loyalty_once_per_member_even_after_a_failure(api, customers_app):
    deps = deps_of(customers_app)
    deps.segments.settings.batch_size = 2
    loyalty = deps.segments.loyalty = FakeLoyalty(fail_after=3)
    ids = await _vips(api, 4)
    job = (await api.post("/customer-segments/vip/bulk-actions",
                          json={"action": "award_points", "points": 50, "reason": "spring"})).json()
    # The first run fails on the 4th call; the retry (after a backoff) resumes after the members already marked.
    done = await wait_job(api, job["id"], timeout=30)
    assert done["result"]["awarded"] == 4 and (await deps.segments.jobs.get(job["id"]))["attempts"] == 1
    assert sorted(c for c, _, _ in loyalty.calls) == sorted(ids) and len(loyalty.calls) == 4
    assert len(loyalty.applied) == 4 and set(loyalty.applied.values()) == {50}


async def test_target_campaign_sets_the_campaign_target(api, customers_app):
    campaigns = deps_of(customers_app).segments.campaigns = FakeCampaigns()
    await _vips(api, 2)
    job = (await api.post("/customer-segments/vip/bulk-actions",
                          json={"action": "target_campaign", "campaignId": "cmp-1"})).json()
    done = await wait_job(api, job["id"])
    assert campaigns.targets == [("cmp-1", "vip")] and done["result"]["targetSegment"] == "vip"


async def test_bad_bulk_requests_are_refused(api, customers_app):
    for body, field in (({"action": "explode"}, "action"), ({"action": "add_tags"}, "tags"),
                        ({"action": "award_points", "points": -5}, "points"), ({}, "action"),
                        ({"action": "set_status", "status": "gone"}, "status"),
                        ({"action": "export_csv", "extra": 1}, "extra")):
        response = await api.post("/customer-segments/vip/bulk-actions", json=body)
        assert response.status_code == 422 and response.json()["error"]["field"] == field, response.text
    missing = await api.post("/customer-segments/nope/bulk-actions", json={"action": "export_csv"})
    assert missing.status_code == 404
    assert await deps_of(customers_app).segments.jobs.jobs.count_documents({"kind": "bulk"}) == 0
    assert (await api.get("/segment-jobs/unknown")).status_code == 404


async def test_a_job_claimed_by_one_worker_is_not_run_by_another(api, customers_app):
    deps = deps_of(customers_app)
    await _vips(api, 1)
    await deps.segments.jobs.jobs.insert_one({"_id": "manual", "kind": "purge", "segmentId": "x", "segmentSlug": "x",
                                              "status": "running", "owner": "elsewhere", "runAfter": utcnow(),
                                              "leaseUntil": utcnow().replace(year=2100), "createdAt": utcnow()})
    assert await run_next_job(deps, "me") is False or (await deps.segments.jobs.get("manual"))["owner"] == "elsewhere"
    assert (await deps.segments.jobs.get("manual"))["status"] == "running"
