"""The send work queue: one durable quorum queue of work items (one per recipient) on the events exchange."""
import asyncio
from collections.abc import Callable

import aio_pika

from services.campaigns.settings import CampaignsSettings
from shared.background import BackgroundTask
from shared.bus.consumer import Consumer, EnvelopeHandler
from shared.bus.publisher import Publisher
from shared.bus.topology import declare_exchange, declare_service_queue
from shared.events.envelope import Envelope

# A routing key no event uses: only this service's work queue is bound to it.
SEND = "campaigns.work.send"
PUBLISH_WINDOW = 200


class WorkQueue:
    def __init__(self, settings: CampaignsSettings, handle: EnvelopeHandler):
        self.settings = settings
        self.publisher = Publisher(settings.amqp_url, settings.events_exchange, settings.publish_timeout_seconds)
        self.consumer = Consumer(
            amqp_url=settings.amqp_url, exchange_name=settings.events_exchange,
            queue_name=settings.work_queue_name, routing_keys=[SEND], handle=handle,
            # Every prefetched item may be in hand at once: the deliverer bounds sends itself (send_concurrency),
            # so items waiting for their settle don't hold back new sends.
            prefetch=settings.send_prefetch, concurrency=max(settings.send_prefetch, settings.send_concurrency),
            delivery_limit=settings.delivery_limit, service=settings.service_name, queue_type=settings.queue_type)
        self._task: asyncio.Task | None = None

    async def declare(self) -> None:
        """Declared before the first publish, so no work item is ever unroutable."""
        connection = await aio_pika.connect(self.settings.amqp_url)
        async with connection:
            channel = await connection.channel()
            exchange = await declare_exchange(channel, self.settings.events_exchange)
            await declare_service_queue(channel, exchange=exchange, queue=self.settings.work_queue_name,
                                        routing_keys=[SEND], delivery_limit=self.settings.delivery_limit,
                                        queue_type=self.settings.queue_type)

    def consuming(self, before_stop: Callable[[], None]) -> BackgroundTask:
        """The work-queue consumer as a background task of the service. At shutdown `before_stop` runs first (the
        deliverer stops taking items), then the consumer is cancelled and its connection closed: the items not
        acknowledged go back to the queue."""
        return BackgroundTask("send-consumer", self.consumer.run, before_stop=before_stop,
                              after_stop=self.consumer.close)

    async def publish(self, items: list[dict]) -> None:
        """Publishes work items with confirms, PUBLISH_WINDOW in flight; raises PublishFailed if any is unconfirmed."""
        for start in range(0, len(items), PUBLISH_WINDOW):
            window = items[start:start + PUBLISH_WINDOW]
            await asyncio.gather(*(self._publish_one(item) for item in window))

    async def _publish_one(self, item: dict) -> None:
        envelope = Envelope(type=SEND, source=self.settings.service_name, data=item, id=item["messageId"])
        await self.publisher.publish(envelope.to_json(), routing_key=SEND, message_id=item["messageId"])

    async def stop(self) -> None:
        await self.consumer.close()
        await self.publisher.close()
