"""Helpers for segment tests: the app's dependencies, waiting for jobs, and fakes for the loyalty and campaign APIs."""
from tests.conftest import eventually


def deps_of(app):
    return app.state.deps


async def wait_job(api, job_id: str, status: str = "done", timeout: float = 20) -> dict:
    seen: dict = {}

    async def finished() -> bool:
        seen.update((await api.get(f"/segment-jobs/{job_id}")).json())
        return seen.get("status") == status

    await eventually(finished, timeout, f"job {job_id} {status} (last: {seen})")
    return seen


async def wait_ready(api, slug: str, timeout: float = 20) -> dict:
    seen: dict = {}

    async def ready() -> bool:
        seen.update((await api.get(f"/customer-segments/{slug}")).json())
        return seen.get("state") == "ready"

    await eventually(ready, timeout, f"segment {slug} ready")
    return seen


async def count_of(api, slug: str) -> int:
    return (await api.get(f"/customer-segments/{slug}")).json()["customerCount"]


class FakeLoyalty:
    """Records awards and, like the loyalty service, applies each idempotency key once."""

    def __init__(self, fail_after: int | None = None):
        self.calls: list[tuple[str, int, str]] = []
        self.applied: dict[str, int] = {}
        self.fail_after = fail_after

    async def award_points(self, customer_id: str, points: int, reason: str, idempotency_key: str) -> None:
        from services.customers.clients.calls import ServiceCallFailed
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            self.fail_after = None
            raise ServiceCallFailed("loyalty unavailable")
        self.calls.append((customer_id, points, idempotency_key))
        self.applied.setdefault(idempotency_key, points)


class FakeCampaigns:
    def __init__(self):
        self.targets: list[tuple[str, str]] = []

    async def target_segment(self, campaign_id: str, segment_slug: str, idempotency_key: str) -> None:
        self.targets.append((campaign_id, segment_slug))
