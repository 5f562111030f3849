"""A `requests` session whose requests run on an httpx client in another thread's event loop.

Schemathesis sends a case through `requests`; the service apps live on pytest-asyncio's loop (their Mongo and
RabbitMQ clients are bound to it). Hypothesis drives the cases from a worker thread, and this adapter hands each
fully serialised request over to that loop, so schemathesis sees an ordinary response and the app never leaves
the loop it started on.
"""
import asyncio
import io

import httpx
import requests
import urllib3
from requests.adapters import HTTPAdapter

REQUEST_TIMEOUT_SECONDS = 60


class LoopAdapter(HTTPAdapter):
    def __init__(self, client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop):
        super().__init__()
        self.client = client
        self.loop = loop

    def send(self, request: requests.PreparedRequest, *args, **kwargs) -> requests.Response:
        body = request.body.encode() if isinstance(request.body, str) else request.body or b""
        call = self.client.request(request.method, request.url, headers=dict(request.headers), content=body)
        reply = asyncio.run_coroutine_threadsafe(call, self.loop).result(REQUEST_TIMEOUT_SECONDS)
        # The same raw response shape a socket would give `requests`, so headers and encoding work as usual.
        # httpx already decoded the body: drop the headers that would make `requests` decode or size it again.
        headers = [(k, v) for k, v in reply.headers.multi_items() if k not in ("content-encoding", "content-length")]
        raw = urllib3.HTTPResponse(body=io.BytesIO(reply.content), headers=headers,
                                   status=reply.status_code, reason=reply.reason_phrase, version=11,
                                   preload_content=False, decode_content=False)
        return self.build_response(request, raw)


def bridged_session(client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop) -> requests.Session:
    session = requests.Session()
    adapter = LoopAdapter(client, loop)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
