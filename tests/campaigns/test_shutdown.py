"""A work item that reaches a stopping process is held, unacknowledged, until shutdown cancels it; it is not refused.

A refusal (nack and requeue) had the broker hand the item straight back, again and again until the consumer
closed, and a quorum queue counts each return toward its delivery limit: the item was parked and never sent.
"""
import asyncio

from services.campaigns.handlers.delivery import Deliverer
from services.campaigns.work.queue import SEND
from shared.events.envelope import Envelope


async def test_a_work_item_arriving_while_stopping_is_held_until_shutdown_cancels_it(campaigns_app):
    deps = campaigns_app.state.deps
    deliverer = Deliverer(deps)
    deliverer.stopping = True
    item = Envelope(type=SEND, source="campaigns", data={"messageId": "c:x", "campaignId": "c"}, id="c:x")
    handling = asyncio.create_task(deliverer.handle(item))
    for _ in range(10):  # let it run as far as it goes
        await asyncio.sleep(0)
    assert not handling.done()  # neither handled nor refused: the consumer neither acks nor nacks it

    await deps.background.stop()  # what shutdown does after closing the consumer (the broker requeues it once)
    assert handling.cancelled()
