"""python -m devstack.sinks: the SMTP sink and the SMS provider in one process."""
import asyncio
import logging

import httpx
import uvicorn

from devstack.sinks.settings import SinkSettings
from devstack.sinks.sms import create_sink_app
from devstack.sinks.smtp import MailSink, start_smtp
from shared.production import load_settings

log = logging.getLogger("sinks")


async def main(settings: SinkSettings) -> None:
    sink = MailSink(settings.max_kept)
    smtp = await start_smtp(sink, settings.host, settings.smtp_port)
    async with httpx.AsyncClient(timeout=10) as http:
        app = create_sink_app(settings, sink, http)
        server = uvicorn.Server(uvicorn.Config(app, host=settings.host, port=settings.http_port,
                                               log_level="warning", access_log=False))
        log.warning("SMTP sink on %s:%s, SMS provider and viewer on http://%s:%s (GET /mails, GET /sms)",
                    settings.host, settings.smtp_port, settings.host, settings.http_port)
        try:
            await server.serve()
        finally:
            smtp.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(load_settings(SinkSettings)))  # exits first on bad settings or unfit production secrets
