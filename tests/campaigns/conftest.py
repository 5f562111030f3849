"""Campaigns test wiring: real SMTP sink and SMS provider on local ports, a fake segment endpoint, helpers."""
import asyncio

import aio_pika
import httpx
import pytest
from asgi_lifespan import LifespanManager

from devstack.infra import free_port
from devstack.sinks.settings import SinkSettings
from devstack.sinks.sms import create_sink_app
from devstack.sinks.smtp import MailSink, start_smtp
from services.campaigns.app import create_app
from services.campaigns.settings import CampaignsSettings
from tests.conftest import eventually


class LazyApp(httpx.AsyncBaseTransport):
    """Routes to an app set later (the sinks start before the campaigns app they call back)."""

    def __init__(self):
        self.app = None

    async def handle_async_request(self, request):
        return await httpx.ASGITransport(app=self.app).handle_async_request(request)


class Sinks:
    def __init__(self, mail: MailSink, sms: list, smtp_port: int, sms_url: str, callbacks: LazyApp):
        self.mail, self.sms, self.smtp_port, self.sms_url, self.callbacks = mail, sms, smtp_port, sms_url, callbacks

    def mails_to(self, address: str) -> list[dict]:
        return [m for m in self.mail.mails() if address in m["to"]]


@pytest.fixture
async def sinks():
    mail = MailSink()
    smtp_port, http_port = free_port(), free_port()
    smtp = await start_smtp(mail, "127.0.0.1", smtp_port)
    callbacks = LazyApp()
    settings = SinkSettings(smtp_port=smtp_port, http_port=http_port, campaigns_url="http://campaigns")
    import uvicorn
    async with httpx.AsyncClient(mounts={"http://campaigns": callbacks}) as http:
        app = create_sink_app(settings, mail, http)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=http_port, log_level="warning",
                                               lifespan="off"))
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        yield Sinks(mail, app.state.sms, smtp_port, f"http://127.0.0.1:{http_port}", callbacks)
        if mail.hold is not None:
            mail.hold.set()
        server.should_exit = True
        await task
    smtp.close()


@pytest.fixture
def segments() -> dict[str, list[str]]:
    """Segment slug -> member ids, served as the customers service's GET /customer-segments/{s}/customers."""
    return {}


@pytest.fixture
def segments_transport(segments):
    def answer(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "customer-segments" and parts[2] == "customers" and parts[1] in segments:
            members = segments[parts[1]]
            offset, limit = int(request.url.params.get("offset", 0)), int(request.url.params.get("limit", 20))
            return httpx.Response(200, json={"items": [{"id": i} for i in members[offset:offset + limit]],
                                             "total": len(members), "limit": limit, "offset": offset})
        return httpx.Response(404, json={"error": {"code": "NOT_FOUND", "message": "segment not found"}})
    return httpx.MockTransport(answer)


@pytest.fixture
def campaigns_settings(service_env, isolation, sinks):
    return CampaignsSettings(mongo_database=f"campaigns_{isolation}", **service_env, smtp_port=sinks.smtp_port,
                             sms_url=sinks.sms_url, public_url="http://campaigns", customers_url="http://customers",
                             scheduler_interval_seconds=0.1, retry_backoff_seconds=0.05, send_rate_per_second=0)


@pytest.fixture
async def campaigns_app(campaigns_settings, segments_transport, sinks, amqp_url, isolation):
    app = create_app(campaigns_settings, customers_transport=segments_transport)
    sinks.callbacks.app = app
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        yield app
    await delete_work_queue(amqp_url, campaigns_settings.work_queue_name)


async def delete_work_queue(amqp_url: str, name: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        for queue in (name, f"{name}.dead"):
            channel = await connection.channel()
            try:
                await channel.queue_delete(queue)
            except Exception:
                pass


async def add_customer(api, campaigns_app, **overrides) -> dict:
    """Creates a customer in the customers service and waits until campaigns' read model has it."""
    from tests.customers.factories import customer_body
    response = await api.post("/customers", json=customer_body(**overrides))
    assert response.status_code == 201, response.text
    customer = response.json()
    async def known() -> bool:
        return await campaigns_app.state.deps.recipients.get(customer["id"]) is not None
    # customer.created travels outbox -> broker -> campaigns' consumer: seconds on a loaded 2-core machine.
    await eventually(known, timeout=30, what="recipient read model")
    return customer


async def wait_status(campaigns_api, campaign_id: str, status: str, timeout: float = 20) -> dict:
    holder = {}

    async def reached() -> bool:
        holder["doc"] = (await campaigns_api.get(f"/campaigns/{campaign_id}")).json()
        return holder["doc"]["status"] == status
    await eventually(reached, timeout=timeout, what=f"campaign {status}")
    return holder["doc"]


def email_campaign(**overrides) -> dict:
    body = {"name": "Spring sale", "type": "email", "subject": "Hi {{ firstName }}!",
            "content": "Hello {{ firstName }} {{ lastName }}, see https://joantees.example/sale"}
    body.update(overrides)
    return body
