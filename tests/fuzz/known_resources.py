"""One real resource of each kind per service, so fuzzed path parameters can name something that exists.

Each function returns path (or header) parameter name -> value, named as in the service's OpenAPI document.
"""
import httpx

from tests.customers.factories import customer_body, order_body
from tests.loyalty.support import member


def _created(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201, 202), response.text
    return response.json()


async def customers_resources(api: httpx.AsyncClient) -> dict[str, str]:
    customer = _created(await api.post("/customers", json=customer_body(tags=["vip"])))
    order = _created(await api.post(f"/customers/{customer['id']}/orders", json=order_body()))
    segment = _created(await api.post("/customer-segments", json={"name": "Fuzz VIPs", "query": "tags HAS vip"}))
    job = _created(await api.post(f"/customer-segments/{segment['slug']}/bulk-actions",
                                  json={"action": "add_tags", "tags": ["fuzzed"]}))
    return {"customer_id": customer["id"], "order_id": order["id"], "id_or_slug": segment["slug"],
            "job_id": job["id"]}


async def loyalty_resources(api: httpx.AsyncClient, app) -> dict[str, str]:
    customer_id = await member(app)
    _created(await api.post(f"/customers/{customer_id}/loyalty/points", json={"points": 500, "reason": "fuzz"}))
    return {"customer_id": customer_id, "program_id": "default", "name": "expire-points"}


async def campaigns_resources(api: httpx.AsyncClient, webhook_secret: str) -> dict[str, str]:
    template = _created(await api.post("/campaign-templates", json={
        "name": "Fuzz", "type": "email", "subject": "Hi {{ firstName }}", "content": "Hello {{ firstName }}"}))
    campaign = _created(await api.post("/campaigns", json={
        "name": "Fuzz", "type": "email", "subject": "Hi", "content": "Hello {{ firstName }}",
        "targetCustomers": ["nobody-in-particular"]}))
    return {"template_id": template["id"], "campaign_id": campaign["id"], "X-Webhook-Secret": webhook_secret}
