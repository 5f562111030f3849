"""A campaign to N recipients through the campaigns service (broker fan-out, SMTP pool, tracking, metrics)
against a bare aiosmtplib loop on one connection, both into the same local SMTP sink in the same run."""
import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone

import aiosmtplib
import httpx
from asgi_lifespan import LifespanManager

from bench.harness import BenchSpec, Env, Figure, delete_broker_names, servers
from devstack.infra import free_port, wait_for_port
from services.campaigns.app import create_app
from services.campaigns.delivery.email import build_email
from services.campaigns.settings import CampaignsSettings
from shared.internal_auth import internal_headers


def _segment(ids: list[str]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        return httpx.Response(200, json={"items": [{"id": i} for i in ids[offset:offset + limit]], "total": len(ids)})
    return httpx.MockTransport(answer)


async def bare_loop(port: int, n: int) -> float:
    smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
    await smtp.connect()
    started = time.perf_counter()
    for i in range(n):
        mail = build_email(sender="news@joantees.example", to=f"bench{i}@example.com", subject="Hi Ada!",
                           text="Hello Ada Lovelace, see https://joantees.example/sale", html="<p>Hello Ada</p>",
                           message_id=f"bare:{i}", unsubscribe_url="http://campaigns/u/x")
        await smtp.send_message(mail)
    elapsed = time.perf_counter() - started
    await smtp.quit()
    return n / elapsed


async def through_service(mongo_url: str, amqp_url: str, smtp_port: int, n: int) -> float:
    tag = uuid.uuid4().hex[:8]
    settings = CampaignsSettings(mongo_url=mongo_url, amqp_url=amqp_url, mongo_database=f"bench_{tag}",
                                 events_exchange=f"bench{tag}.events", queue_prefix=f"bench{tag}.",
                                 smtp_port=smtp_port, send_rate_per_second=0, send_concurrency=64,
                                 smtp_pool_size=8, fanout_chunk=1000, log_json=False, customers_url="http://customers")
    ids = [f"c{i:06d}" for i in range(n)]
    app = create_app(settings, customers_transport=_segment(ids))
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        recipients = app.state.deps.recipients.collection
        now = datetime.now(timezone.utc)
        for start in range(0, n, 5000):
            await recipients.insert_many([{"_id": i, "firstName": "Ada", "lastName": "Lovelace", "asOf": now,
                                           "email": f"{i}@example.com", "emailOptIn": True, "smsOptIn": False}
                                          for i in ids[start:start + 5000]])
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), headers=internal_headers(settings),
                                     base_url="http://campaigns") as api:
            campaign = (await api.post("/campaigns", json={
                "name": "Bench", "type": "email", "subject": "Hi {{ firstName }}!", "targetSegment": "bench",
                "content": "Hello {{ firstName }} {{ lastName }}, see https://joantees.example/sale"})).json()
            started = time.perf_counter()
            await api.post(f"/campaigns/{campaign['id']}/send")
            while (doc := (await api.get(f"/campaigns/{campaign['id']}")).json())["status"] == "sending":
                await asyncio.sleep(0.2)
            elapsed = time.perf_counter() - started
            metrics = (await api.get(f"/campaigns/{campaign['id']}/metrics")).json()
    await _drop_broker_names(amqp_url, settings)
    print(f"  campaign status {doc['status']}: sent {metrics['sent']}, failed {metrics['failed']}, "
          f"unknown {metrics['unknown']}", flush=True)
    return metrics["sent"] / elapsed


async def _drop_broker_names(amqp_url: str, settings: CampaignsSettings) -> None:
    queues = [settings.work_queue_name, settings.queue_name]
    await delete_broker_names(amqp_url, queues + [f"{q}.dead" for q in queues],
                              [settings.events_exchange, f"{settings.events_exchange}.dead"])


def measure(env: Env, recipients: int) -> list[Figure]:
    smtp_port, http_port = free_port(), free_port()
    sink = subprocess.Popen([sys.executable, "-m", "devstack.sinks"],
                            env={**os.environ, "SINK_SMTP_PORT": str(smtp_port), "SINK_HTTP_PORT": str(http_port)})
    try:
        wait_for_port("127.0.0.1", smtp_port, 15, "SMTP sink", sink)
        print(f"{recipients} messages into the local SMTP sink", flush=True)
        bare = asyncio.run(bare_loop(smtp_port, recipients))
        print(f"  bare aiosmtplib loop: {bare:,.0f} messages/s", flush=True)
        service = asyncio.run(through_service(env.mongo_url, env.amqp_url, smtp_port, recipients))
        print(f"  campaigns service:    {service:,.0f} messages/s", flush=True)
        print(f"  ratio service/bare:   {service / bare:.2f}", flush=True)
    finally:
        sink.terminate()
    return [Figure("campaigns", f"campaign email through the service ({recipients:,} recipients)", service,
                   "bare aiosmtplib loop, one connection", bare, "messages/s")]


SPEC = BenchSpec(name="campaigns", size_name="recipients", quick_size=2_000, measure=measure,
                 summary="a campaign through the campaigns service into the SMTP sink vs a bare aiosmtplib loop")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=10_000)
    args = parser.parse_args()
    with servers() as env:
        measure(env, args.recipients)


if __name__ == "__main__":
    main()
