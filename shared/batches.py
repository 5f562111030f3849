"""Several events in one transaction: a subscription's handlers for one event and for many, and running a batch
so that its effect is the same as handling its events one after the other."""
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import groupby

from pymongo.asynchronous.client_session import AsyncClientSession

from shared.actor import actor_from_record, current_actor
from shared.events.envelope import Envelope, Event
from shared.logging import correlation_id


@dataclass(frozen=True)
class Subscription:
    """One event type's handlers: `one(event, envelope, session)` and, optionally, `many([(event, envelope), ...],
    session)`, which must have the same effect as `one` called for each event in order, with fewer round trips."""

    one: Callable[[Event, Envelope, AsyncClientSession], Awaitable[None]]
    many: Callable[[list[tuple[Event, Envelope]], AsyncClientSession], Awaitable[None]] | None = None

    async def __call__(self, event: Event, envelope: Envelope, session: AsyncClientSession) -> None:
        await self.one(event, envelope, session)


async def handle_in_order(items: list[tuple[Callable, Event, Envelope]], session: AsyncClientSession) -> None:
    """Consecutive events of one type go to its `many` handler together, the others one at a time; runs keep the
    delivery order, so an order.refunded after its order.placed still sees the points it takes back."""
    for _, run in groupby(items, key=lambda item: item[2].type):
        run = list(run)
        many = getattr(run[0][0], "many", None)
        if many is not None and len(run) > 1:
            current_actor.set(None)  # a set-based handler serves many events; none of their actors applies to all
            await many([(event, envelope) for _, event, envelope in run], session)
            continue
        for handler, event, envelope in run:
            correlation_id.set(envelope.correlation_id or envelope.id)
            current_actor.set(actor_from_record(envelope.actor))
            await handler(event, envelope, session)
